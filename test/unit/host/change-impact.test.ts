// What revoking, restoring or removing a key does to the images last listed: each row re-decided
// by the engine's verdict rule with that key changed, so a confirmation says "2 images will show
// revoked" exactly when the next check would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyChangeImpact } from '../../../electron/host/change-impact.js';
import type { ImageRow, SignatureReport } from '../../../shared/api.js';

const A = 'SHA256:aaaa';
const B = 'SHA256:bbbb';
const sig = (status: SignatureReport['status'], fp?: string, claimed = false): SignatureReport => ({
  status, ok: status === 'verified', payloadDigest: 'sha256:00', reasons: [], ...(fp ? { keyName: fp === A ? 'Alice' : 'Bob', keyFingerprint: fp } : {}), ...(claimed ? { keyClaimed: true } : {}),
});
const row = (image: string, verdict: ImageRow['verdict'], signatures: SignatureReport[]): ImageRow => ({ image, verdict, message: '', signers: [], signatures });

const rows: ImageRow[] = [
  row('r/app:alice-only', 'verified', [sig('verified', A)]),
  row('r/app:alice-and-bob', 'verified', [sig('verified', A), sig('verified', B)]),
  row('r/app:bob-only', 'verified', [sig('verified', B)]),
  row('r/app:alice-revoked', 'revoked', [sig('revoked', A)]),
  row('r/app:alice-beside-invalid', 'verified', [sig('verified', A), sig('invalid')]),
  row('r/app:claims-alice', 'invalid', [sig('invalid', A, true)]),
  row('r/app:unsigned', 'unsigned', []),
  row('r/app:error', 'error', []),
];

test('revoke: images verified only by that key show revoked; one also verified by another key stays verified', () => {
  assert.deepEqual(keyChangeImpact(rows, 'revoke', A), [
    { image: 'r/app:alice-only', from: 'verified', to: 'revoked' },
    // The verdict rule puts INVALID before revoked: an image whose only good signature is revoked
    // and that carries a bad one reads INVALID.
    { image: 'r/app:alice-beside-invalid', from: 'verified', to: 'invalid' },
  ]);
});

test('restore: images revoked because of that key verify again', () => {
  assert.deepEqual(keyChangeImpact(rows, 'restore', A), [{ image: 'r/app:alice-revoked', from: 'revoked', to: 'verified' }]);
  assert.deepEqual(keyChangeImpact(rows, 'restore', B), [], 'nothing was revoked because of Bob');
});

test('remove: images verified or revoked only by that key become signed by an unknown key; a claim of it is no longer INVALID', () => {
  assert.deepEqual(keyChangeImpact(rows, 'remove', A), [
    { image: 'r/app:alice-only', from: 'verified', to: 'unknown-key' },
    { image: 'r/app:alice-revoked', from: 'revoked', to: 'unknown-key' },
    { image: 'r/app:alice-beside-invalid', from: 'verified', to: 'invalid' },
    { image: 'r/app:claims-alice', from: 'invalid', to: 'unknown-key' },
  ]);
});

test('a key no image is signed with changes nothing', () => {
  assert.deepEqual(keyChangeImpact(rows, 'revoke', 'SHA256:cccc'), []);
  assert.deepEqual(keyChangeImpact([], 'remove', A), []);
});

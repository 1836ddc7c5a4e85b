import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { AuditLog } from '../../../electron/engine/audit/audit-log.js';
import type { SignResult } from '../../../electron/engine/sign.js';
import { makeTempDir } from '../../helpers/tmp.js';

const key = { id: '0123456789abcdef', name: 'alice', fingerprint: 'SHA256:ab', source: 'keychain' as const };

function result(): SignResult {
  const digest = `sha256:${'a'.repeat(64)}` as SignResult['digest'];
  return {
    image: 'r.example/team/app:1', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', identity: 'r.example/team/app:1',
    signatures: [{ digest, mediaType: 'x', location: `r.example/team/app:sha256-${'a'.repeat(64)}.sig`, attempts: 2, alreadyPresent: false,
      readBack: { image: 'x', verdict: 'verified', message: 'verified by alice', signers: ['alice'], signatures: [] } }],
  };
}

test('each signing is one JSON line with who, key, image, digest, annotations and the registry answer', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await log.recordSigned(key, { env: 'prod' }, result(), new Date('2026-01-01T00:00:00Z'));
  await log.recordFailed(key, 'r.example/team/app:2', {}, new Error('boom'));
  const lines = (await readFile(log.path, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!);
  assert.equal(first.time, '2026-01-01T00:00:00.000Z');
  assert.equal(typeof first.user, 'string');
  assert.deepEqual(first.key, key);
  assert.equal(first.digest, `sha256:${'a'.repeat(64)}`);
  assert.deepEqual(first.annotations, { env: 'prod' });
  assert.deepEqual(first.registry[0], { digest: first.digest, location: `r.example/team/app:sha256-${'a'.repeat(64)}.sig`, attempts: 2, alreadyPresent: false, readBack: 'verified by alice' });
  assert.equal(JSON.parse(lines[1]!).outcome, 'failed');
  const { entries } = await log.read();
  assert.equal(entries.length, 2);
});

test('concurrent appends never interleave, and a damaged line is reported, not fatal', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await Promise.all(Array.from({ length: 50 }, (_, i) => log.recordFailed(key, `img/${i}`, { n: 'x'.repeat(5000) }, new Error('e'))));
  await appendFile(log.path, '{"time": "trunc');
  const { entries, damaged } = await log.read();
  assert.equal(entries.length, 50);
  assert.deepEqual(damaged, [51]);
});

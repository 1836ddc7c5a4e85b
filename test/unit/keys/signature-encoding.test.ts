import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureEncodingProblem } from '../../../electron/engine/keys/signature-encoding.js';
import { generatePrivateKey } from '../../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../../electron/engine/keys/signer.js';

test('real signatures are well formed for their algorithm, and not for the other', async () => {
  for (let i = 0; i < 50; i++) {
    const ed = await signerFromPrivateKey(generatePrivateKey('ed25519')).sign(Buffer.from(`m${i}`));
    const ec = await signerFromPrivateKey(generatePrivateKey('ecdsa-p256')).sign(Buffer.from(`m${i}`));
    assert.equal(signatureEncodingProblem('ed25519', ed), null);
    assert.equal(signatureEncodingProblem('ecdsa-p256', ec), null);
    assert.notEqual(signatureEncodingProblem('ed25519', ec), null);
  }
});

test('DER problems are named', () => {
  assert.match(signatureEncodingProblem('ecdsa-p256', Buffer.from('300602010102010100', 'hex'))!, /SEQUENCE length/);
  assert.match(signatureEncodingProblem('ecdsa-p256', Buffer.from('3006020101020101', 'hex').subarray(0, 7))!, /./);
  assert.match(signatureEncodingProblem('ecdsa-p256', Buffer.from('30060201000201ff', 'hex'))!, /negative|range/);
  assert.match(signatureEncodingProblem('ecdsa-p256', Buffer.from('3007020200010201 01'.replace(' ', ''), 'hex'))!, /minimally/);
  assert.equal(signatureEncodingProblem('ecdsa-p256', Buffer.from('3006020101020101', 'hex')), null);
});

// ed25519-verify: signatures checked per second by verifySignature, the function every verdict
// goes through. It prints figures; it is not pass/fail, except that a wrong answer exits 1.
//
//   npx tsc -p . && node dist/bench/ed25519-verify.js [--ms 1500]
//
// Cases, each on cosign-sized payloads (about 300 bytes) with 64 distinct messages:
//  - Ed25519, valid: what Signet and containers/image make (the common path of `signet verify`);
//  - Ed25519, wrong key: the path of every trusted key that did not make the signature;
//  - Ed25519ph, valid: what `cosign sign` makes with an Ed25519 key (OpenSSL's pure check comes first);
//  - ECDSA P-256, valid: the default key type, for comparison;
//  - and the two floors: node:crypto (OpenSSL) Ed25519 verify and @noble/ed25519 strict verify alone;
//  - then whole signature verdicts (evaluateSignature) against a trust store of 20 Ed25519 keys
//    where the signer is the last: with Signet's key hint (tried first), without (skopeo's), an
//    Ed25519ph signature without (cosign's), and a signature none of 19 keys made (unknown key).
import { createPrivateKey, sign as nodeSign, verify as nodeVerify, createPublicKey, randomBytes } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { generatePrivateKey, type PrivateKey } from '../electron/engine/keys/private-key.js';
import { verifySignature, type SignatureScheme } from '../electron/engine/keys/verify-signature.js';
import { ed } from '../electron/engine/keys/noble-ed25519.js';
import { evaluateSignature, KEY_HINT_ANNOTATION, type TrustedKey } from '../electron/engine/cosign/verdict.js';
import { buildPayload } from '../electron/engine/cosign/payload.js';
import { MediaType } from '../electron/engine/content/media-types.js';
import { sha256Digest, type Digest } from '../electron/engine/content/digest.js';
import type { StoredSignature } from '../electron/engine/cosign/signature-store.js';

const msArg = process.argv.indexOf('--ms');
const BUDGET_MS = msArg > 0 ? Number(process.argv[msArg + 1]) : 1500;
const MESSAGES = Array.from({ length: 64 }, () => randomBytes(300));

function seedOf(k: PrivateKey): Uint8Array {
  const d = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d as string;
  return Buffer.from(d, 'base64url');
}

/** Runs `fn` over the messages until the budget is spent; returns operations per second. */
function opsPerSecond(fn: (i: number) => boolean): number {
  for (let i = 0; i < 32; i++) fn(i % MESSAGES.length); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < BUDGET_MS) {
    for (let j = 0; j < 16; j++, n++) {
      if (!fn(n % MESSAGES.length)) {
        console.error(`wrong answer at operation ${n}`);
        process.exit(1);
      }
    }
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (n * 1000) / elapsedMs;
}

const edKey = generatePrivateKey('ed25519');
const otherEdKey = generatePrivateKey('ed25519');
const ecKey = generatePrivateKey('ecdsa-p256');
const edPriv = createPrivateKey({ key: Buffer.from(edKey.pkcs8), format: 'der', type: 'pkcs8' });
const ecPriv = createPrivateKey({ key: Buffer.from(ecKey.pkcs8), format: 'der', type: 'pkcs8' });
const edSigs = MESSAGES.map((m) => new Uint8Array(nodeSign(null, m, edPriv)));
const phSigs = MESSAGES.map((m) => ed25519ph.sign(m, seedOf(edKey)));
const ecSigs = MESSAGES.map((m) => new Uint8Array(nodeSign('sha256', m, { key: ecPriv, dsaEncoding: 'der' })));
const rawKey = edKey.publicKey.spki.subarray(12);
const edKeyObject = createPublicKey({ key: Buffer.from(edKey.publicKey.spki), format: 'der', type: 'spki' });

const is = (want: SignatureScheme | null) => (got: SignatureScheme | null) => got === want;
const rows: Array<[string, number]> = [
  ['verifySignature, Ed25519 valid', opsPerSecond((i) => is('ed25519')(verifySignature(edKey.publicKey, MESSAGES[i]!, edSigs[i]!)))],
  ['verifySignature, Ed25519 wrong key', opsPerSecond((i) => is(null)(verifySignature(otherEdKey.publicKey, MESSAGES[i]!, edSigs[i]!)))],
  ['verifySignature, Ed25519ph valid', opsPerSecond((i) => is('ed25519ph')(verifySignature(edKey.publicKey, MESSAGES[i]!, phSigs[i]!)))],
  ['verifySignature, ECDSA P-256 valid', opsPerSecond((i) => is('ecdsa-p256-sha256')(verifySignature(ecKey.publicKey, MESSAGES[i]!, ecSigs[i]!)))],
  ['floor: node:crypto Ed25519 verify', opsPerSecond((i) => nodeVerify(null, MESSAGES[i]!, edKeyObject, edSigs[i]!))],
  ['floor: @noble/ed25519 strict verify', opsPerSecond((i) => ed.verify(edSigs[i]!, MESSAGES[i]!, rawKey, { zip215: false }))],
];

// Verdicts: 19 teammates' keys, then the signer's.
const trust: TrustedKey[] = [...Array.from({ length: 19 }, (_, i) => ({ name: `teammate ${i}`, publicKey: generatePrivateKey('ed25519').publicKey })), { name: 'signer', publicKey: edKey.publicKey }];
const imageDigest = sha256Digest('an image') as Digest;
const payload = buildPayload({ dockerReference: 'registry.example/team/app', manifestDigest: imageDigest });
const payloadSig = Buffer.from(nodeSign(null, payload, edPriv)).toString('base64');
const stored = (annotations: Record<string, string>, signatureB64 = payloadSig): StoredSignature => ({
  layer: { payloadDigest: sha256Digest(payload), payloadSize: payload.length, mediaType: MediaType.CosignSimpleSigning, signatureB64, annotations },
  payload,
});
const hinted = stored({ [KEY_HINT_ANNOTATION]: edKey.publicKey.fingerprint });
const unhinted = stored({});
const phUnhinted = stored({}, Buffer.from(ed25519ph.sign(payload, seedOf(edKey))).toString('base64'));
const verdictBy = (s: StoredSignature, keys = trust, signer: string | null = 'signer') => () => (evaluateSignature({ repository: 'registry.example/team/app', digest: imageDigest }, s, { keys }).keyName ?? null) === signer;
rows.push(
  ['verdict, 20 keys, signer last, key hint', opsPerSecond(verdictBy(hinted))],
  ['verdict, 20 keys, signer last, no hint', opsPerSecond(verdictBy(unhinted))],
  ['verdict, 20 keys, no hint, Ed25519ph', opsPerSecond(verdictBy(phUnhinted))],
  ['verdict, 19 keys, none the signer', opsPerSecond(verdictBy(unhinted, trust.slice(0, 19), null))],
);

console.log(`Node ${process.versions.node}, OpenSSL ${process.versions.openssl}, ${BUDGET_MS} ms per case`);
for (const [name, ops] of rows) console.log(`${name.padEnd(40)} ${Math.round(ops).toString().padStart(7)} ops/s  ${(1000 / ops).toFixed(3)} ms/op`);

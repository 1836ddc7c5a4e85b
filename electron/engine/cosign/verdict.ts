import type { Digest } from '../content/digest.js';
import { parseReference, repositoryName } from '../content/reference.js';
import { MediaType } from '../content/media-types.js';
import type { PublicKey } from '../keys/public-key.js';
import { findSigner, type SignatureScheme } from '../keys/verify-signature.js';
import { signatureEncodingProblem } from '../keys/signature-encoding.js';
import type { KeyAlgorithm } from '../keys/algorithms.js';
import { parsePayload, type SimpleSigningPayload } from './payload.js';
import type { StoredSignature } from './signature-store.js';
import { quoted, quotedValue } from '../../../shared/printable.js';

/**
 * The verdict logic (design §4): from every stored signature of one image digest and the keys
 * the user trusts, one report per signature and one verdict. It is a pure function so every rule
 * is unit-tested. Nothing is "verified" unless every check of that signature passed.
 */
export type Verdict = 'verified' | 'unknown-key' | 'invalid' | 'revoked' | 'unsigned' | 'error';
export type SignatureStatus = Exclude<Verdict, 'unsigned'>;

/**
 * Signet writes the signing key's fingerprint beside each signature. It is only a claim (it is
 * not signed), used for one thing: a signature that claims a trusted key but does not verify
 * with it is reported INVALID (altered or forged) rather than "unknown key". Cosign and
 * containers/image ignore unknown layer annotations.
 */
export const KEY_HINT_ANNOTATION = 'dev.signet/key-fingerprint';

export interface TrustedKey {
  name: string;
  publicKey: PublicKey;
  /** ISO time; signatures by a revoked key give the "revoked" verdict. */
  revokedAt?: string;
}

export interface VerifyPolicy {
  keys: readonly TrustedKey[];
  /** `-a k=v` on verify: each signature must carry these in `optional`. */
  requiredAnnotations?: Readonly<Record<string, string>>;
}

export interface ImageUnderTest {
  /** `registry/repository` the user asked about (matchRepository compares this). */
  repository: string;
  digest: Digest;
}

export interface SignatureReport {
  status: SignatureStatus;
  ok: boolean;
  keyName?: string;
  keyFingerprint?: string;
  /** keyName/keyFingerprint are only what the signature claims (its key hint): it did not verify with that key. */
  keyClaimed?: boolean;
  scheme?: SignatureScheme;
  /** The payload's claims, for display (only meaningful when ok). */
  identity?: string;
  /**
   * The manifest digest the payload names (unsigned unless ok): when it is not the image's own,
   * the signature was made for another image, and a desktop can say which one it was copied from.
   */
  signedDigest?: string;
  /**
   * The fingerprint the signature's key hint claims, when it names no trusted key: only a claim
   * (anyone can write it), shown so a person can recognise a teammate's key before trusting it.
   */
  keyHint?: string;
  creator?: string;
  timestamp?: number;
  annotations?: Record<string, unknown>;
  payloadDigest: Digest;
  /** One plain sentence per check, passed or failed, in the order they were made. */
  reasons: string[];
}

export interface VerdictResult {
  verdict: Verdict;
  message: string;
  signatures: SignatureReport[];
  /** Names of the trusted, unrevoked signers whose signatures verified. */
  signers: string[];
}

const ALL_ALGORITHMS: readonly KeyAlgorithm[] = ['ed25519', 'ecdsa-p256'];
/** A key fingerprint as Signet writes it (keys/public-key.ts fingerprintOf). */
const FINGERPRINT_RE = /^SHA256:[0-9a-f]{64}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function keyLabel(k: TrustedKey): string {
  return `${k.name} (${shortFingerprint(k.publicKey.fingerprint)})`;
}

export function shortFingerprint(fp: string): string {
  return fp.length > 23 ? `${fp.slice(0, 23)}…` : fp;
}

/**
 * The trusted keys in the order a signature is tried against them: the key its hint names first
 * (Signet's own signatures carry one), then the rest as given. A signature verifies under one key
 * only, so the order never changes which key matches; it changes the cost: the named key is
 * checked first, so its "yes" ends the search before any other key is asked (findSigner). The
 * hint is only an ordering here: what the key is credited with still rests on the signature
 * verifying.
 */
export function keysInTryOrder(keys: readonly TrustedKey[], hint: string | undefined): readonly TrustedKey[] {
  if (hint === undefined) return keys;
  const named = keys.filter((k) => k.publicKey.fingerprint === hint);
  return named.length === 0 ? keys : [...named, ...keys.filter((k) => k.publicKey.fingerprint !== hint)];
}

export function evaluateSignature(image: ImageUnderTest, sig: StoredSignature, policy: VerifyPolicy): SignatureReport {
  const reasons: string[] = [];
  const report = (status: SignatureStatus, extra: Partial<SignatureReport> = {}): SignatureReport =>
    ({ status, ok: status === 'verified', payloadDigest: sig.layer.payloadDigest, reasons, ...extra });

  // 1. The payload bytes must be exactly what the manifest names.
  if (sig.payloadError) {
    const e = sig.payloadError;
    if (e.code === 'DIGEST_MISMATCH' || e.code === 'SIZE_MISMATCH' || e.code === 'PAYLOAD_INVALID') {
      reasons.push(`The signed payload does not match the digest its manifest names (${sig.layer.payloadDigest}): it was altered. ${e.message}`);
      return report('invalid');
    }
    reasons.push(`The signed payload could not be read: ${e.message}`);
    return report('error');
  }
  const payload = sig.payload;
  if (!payload) {
    reasons.push('The signed payload could not be read.');
    return report('error');
  }
  reasons.push('The payload blob matches its digest.');
  if (sig.layer.mediaType !== MediaType.CosignSimpleSigning) {
    reasons.push(`The layer's media type is ${quoted(sig.layer.mediaType)}, not a cosign simple-signing payload.`);
    return report('invalid');
  }

  // 2. The signature must be present and decodable.
  const b64 = sig.layer.signatureB64;
  if (b64 === undefined || b64 === '') {
    reasons.push('The layer has no dev.cosignproject.cosign/signature annotation.');
    return report('invalid');
  }
  if (!BASE64_RE.test(b64)) {
    reasons.push('The signature annotation is not valid base64.');
    return report('invalid');
  }
  const signature = Buffer.from(b64, 'base64');

  // 3. Which trusted key (if any) made it. Revoked keys are tried too, to say "revoked".
  const hint = sig.layer.annotations[KEY_HINT_ANNOTATION];
  const found = findSigner(keysInTryOrder(policy.keys, hint), (k) => k.publicKey, payload, signature);
  const matched: TrustedKey | undefined = found?.key;
  const scheme: SignatureScheme | undefined = found?.scheme;

  // 4. The payload, parsed strictly, must name this digest and this repository.
  let parsed: SimpleSigningPayload;
  try {
    parsed = parsePayload(payload);
  } catch (e) {
    reasons.push(matched ? `The signature verifies with ${keyLabel(matched)}, but ${(e as Error).message}` : (e as Error).message);
    return report('invalid', matched ? keyFields(matched, scheme) : {});
  }
  const claims: Partial<SignatureReport> = {
    identity: parsed.dockerReference,
    signedDigest: parsed.manifestDigest,
    ...(parsed.creator !== undefined ? { creator: parsed.creator } : {}),
    ...(parsed.timestamp !== undefined ? { timestamp: parsed.timestamp } : {}),
    ...(parsed.optional ? { annotations: parsed.optional } : {}),
  };

  if (!matched) {
    const claimed = hint ? policy.keys.find((k) => k.publicKey.fingerprint === hint) : undefined;
    if (claimed) {
      reasons.push(`It claims to be signed by ${keyLabel(claimed)}, but the signature does not verify with that key: the payload or signature was altered, or it is forged.`);
      return report('invalid', { ...claims, keyName: claimed.name, keyFingerprint: claimed.publicKey.fingerprint, keyClaimed: true });
    }
    // Only a fingerprint in the form Signet writes is passed on: the hint is anyone's text.
    const unknownClaims = hint !== undefined && FINGERPRINT_RE.test(hint) ? { ...claims, keyHint: hint } : claims;
    if (parsed.manifestDigest !== image.digest) {
      reasons.push(`It was made for another image: the payload names ${parsed.manifestDigest}, this image is ${image.digest}.`);
      return report('invalid', unknownClaims);
    }
    // No key of any supported algorithm could have made these bytes: damaged, not merely unknown.
    // (The signer's algorithm is unknown here, so a sound encoding for any algorithm is enough.)
    const problems = ALL_ALGORITHMS.map((a) => signatureEncodingProblem(a, signature));
    if (problems.every((p) => p !== null)) {
      reasons.push(`The signature is malformed: ${problems.join('; ')}. It was damaged or altered.`);
      return report('invalid', unknownClaims);
    }
    reasons.push(policy.keys.length === 0
      ? 'There are no trusted keys to check it against: pass --key, or add the signer\'s key to the trust store.'
      : `It does not verify with any trusted key (tried ${policy.keys.length}: ${policy.keys.map((k) => k.name).join(', ')}). If it should be by one of them, it was altered; otherwise its signer's key is not trusted here.`);
    return report('unknown-key', unknownClaims);
  }

  const fields = { ...claims, ...keyFields(matched, scheme) };
  reasons.push(`The signature verifies with ${keyLabel(matched)} (${describeScheme(scheme)}).`);
  if (parsed.manifestDigest !== image.digest) {
    reasons.push(`It was made for another image: the payload names ${parsed.manifestDigest}, this image is ${image.digest}.`);
    return report('invalid', fields);
  }
  reasons.push('The payload names this image\'s digest.');

  let identityRepo: string | undefined;
  try {
    identityRepo = repositoryName(parseReference(parsed.dockerReference));
  } catch {
    identityRepo = undefined;
  }
  if (identityRepo !== image.repository) {
    reasons.push(`It was signed for the repository ${identityRepo ?? quotedValue(parsed.dockerReference)}, not ${image.repository}.`);
    return report('invalid', fields);
  }
  reasons.push(`Its identity ${parsed.dockerReference} matches the repository.`);

  for (const [k, v] of Object.entries(policy.requiredAnnotations ?? {})) {
    const have = parsed.optional?.[k];
    if (have !== v) {
      reasons.push(have === undefined ? `The required annotation ${k}=${v} is missing.` : `The annotation ${k} is ${quotedValue(have)}, but ${JSON.stringify(v)} is required.`);
      return report('invalid', fields);
    }
    reasons.push(`The annotation ${k}=${v} is present.`);
  }

  if (matched.revokedAt) {
    reasons.push(`The key ${keyLabel(matched)} was revoked on ${matched.revokedAt}.`);
    return report('revoked', fields);
  }
  return report('verified', fields);
}

/**
 * One report per stored signature, in order. Identical layers (same payload, signature, media type
 * and key hint, with the very payload read for them) are evaluated once: a manifest may repeat one
 * layer as often as the bound allows, and a signature no trusted key made costs every key's check
 * (about 50 ms with 20 Ed25519 keys). Each layer still gets its own report.
 */
export function evaluateSignatures(image: ImageUnderTest, signatures: readonly StoredSignature[], policy: VerifyPolicy): SignatureReport[] {
  const done = new Map<string, { sig: StoredSignature; report: SignatureReport }>();
  return signatures.map((sig) => {
    const key = JSON.stringify([sig.layer.payloadDigest, sig.layer.payloadSize, sig.layer.mediaType, sig.layer.signatureB64 ?? null, sig.layer.annotations[KEY_HINT_ANNOTATION] ?? null]);
    const prev = done.get(key);
    if (prev !== undefined && prev.sig.payload === sig.payload && prev.sig.payloadError === sig.payloadError) {
      return { ...prev.report, reasons: [...prev.report.reasons] };
    }
    const report = evaluateSignature(image, sig, policy);
    done.set(key, { sig, report });
    return report;
  });
}

function keyFields(k: TrustedKey, scheme: SignatureScheme | undefined): Partial<SignatureReport> {
  return { keyName: k.name, keyFingerprint: k.publicKey.fingerprint, ...(scheme ? { scheme } : {}) };
}

function describeScheme(s: SignatureScheme | undefined): string {
  switch (s) {
    case 'ed25519': return 'Ed25519';
    case 'ed25519ph': return 'Ed25519ph, as cosign sign makes with an Ed25519 key';
    case 'ecdsa-p256-sha256': return 'ECDSA P-256, SHA-256';
    default: return 'unknown scheme';
  }
}

/** Folds per-signature reports into the image's verdict. Order matters: see design §4. */
export function decideVerdict(found: boolean, reports: SignatureReport[], where: string): VerdictResult {
  const by = (s: SignatureStatus) => reports.filter((r) => r.status === s);
  const verified = by('verified');
  const invalid = by('invalid');
  const signers = [...new Set(verified.map((r) => r.keyName ?? '?'))];
  const first = (rs: SignatureReport[]) => rs[0]?.reasons[rs[0].reasons.length - 1] ?? '';
  if (!found || reports.length === 0) {
    return { verdict: 'unsigned', message: `unsigned: no signature at ${where}`, signatures: reports, signers: [] };
  }
  if (verified.length > 0) {
    const extra = invalid.length > 0 ? `; ${invalid.length} other signature${invalid.length > 1 ? 's are' : ' is'} INVALID` : '';
    const labels = [...new Set(verified.map((r) => (r.keyFingerprint ? `${r.keyName ?? '?'} (${shortFingerprint(r.keyFingerprint)})` : r.keyName ?? '?')))];
    return { verdict: 'verified', message: `verified by ${labels.join(', ')}${extra}`, signatures: reports, signers };
  }
  if (invalid.length > 0) return { verdict: 'invalid', message: `INVALID: ${first(invalid)}`, signatures: reports, signers: [] };
  const revoked = by('revoked');
  if (revoked.length > 0) return { verdict: 'revoked', message: `revoked: ${first(revoked)}`, signatures: reports, signers: [] };
  const errors = by('error');
  if (errors.length > 0) return { verdict: 'error', message: `could not check: ${first(errors)}`, signatures: reports, signers: [] };
  return { verdict: 'unknown-key', message: `signed by an unknown key: ${first(by('unknown-key'))}`, signatures: reports, signers: [] };
}

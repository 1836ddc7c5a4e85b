// Verdict soundness matrix: a Signet-signed image (one Ed25519 and one ECDSA P-256 key), then every
// single mutation of what the verifier reads — payload bytes (flipped, removed, duplicated), payload
// fields (changed, removed, duplicated, swapped; with and without re-signing by the trusted key),
// the signature, the layer annotations and descriptor, the signature manifest, the image digest,
// the repository and the key. Each goes through the real store and verdict code (a fake registry
// client that serves bytes as the real one does: checked against their digest), and must give a
// verdict other than *verified* whose reason names what changed. The matrix is generated from the
// documents, not hand-listed; its size is printed.
//
// Mutations that leave what is verified unchanged (a duplicated identical layer, the unsigned
// key-hint annotation, the config blob the verdict never reads, the tag in the identity) are
// checked the other way: they must still verify. They are counted separately.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPayload, parsePayload } from '../../electron/engine/cosign/payload.js';
import { buildSignatureManifest, newSignatureLayer, parseSignatureManifest, signatureTag } from '../../electron/engine/cosign/signature-manifest.js';
import { RegistrySignatureStore } from '../../electron/engine/cosign/registry-signature-store.js';
import { KEY_HINT_ANNOTATION, type TrustedKey, type VerifyPolicy } from '../../electron/engine/cosign/verdict.js';
import { verifyDigest, type VerifyResult } from '../../electron/engine/verify.js';
import { generatePrivateKey, type PrivateKey } from '../../electron/engine/keys/private-key.js';
import { publicKeyFromSpki } from '../../electron/engine/keys/public-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { sha256Digest, verifyBytes, type Digest } from '../../electron/engine/content/digest.js';
import { COSIGN_SIGNATURE_ANNOTATION } from '../../electron/engine/content/media-types.js';
import { SignetError } from '../../electron/engine/errors.js';
import type { BlobLimits, RegistryClient } from '../../electron/engine/registry/client.js';
import { parseReference, repositoryName, type Reference } from '../../electron/engine/content/reference.js';
import type { KeyAlgorithm } from '../../electron/engine/keys/algorithms.js';

const REGISTRY = '127.0.0.1:5000';
const REPOSITORY = `${REGISTRY}/team/app`;
const IDENTITY = `${REPOSITORY}:v1`;
const IMAGE = sha256Digest('the image manifest') as Digest;

interface World {
  manifest: Buffer;
  blobs: Map<string, Buffer>;
  imageDigest: Digest;
  repository: string;
  keys: TrustedKey[];
  requiredAnnotations?: Record<string, string>;
}

interface Signed {
  alg: KeyAlgorithm;
  priv: PrivateKey;
  key: TrustedKey;
  payload: Buffer;
  signature: Buffer;
  world: World;
}

/** A fake registry client serving `world`, checking blobs against their digest as the real client does. */
function clientFor(w: World): RegistryClient {
  const fake = {
    async getManifestIfExists(ref: Reference) {
      if (ref.tag !== signatureTag(w.imageDigest)) return null;
      return { digest: sha256Digest(w.manifest), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: new Uint8Array(w.manifest) };
    },
    async getBlob(_repo: unknown, digest: Digest, limits: BlobLimits = {}) {
      const b = w.blobs.get(digest);
      const { expectedSize, maxSize = Infinity } = limits;
      if (expectedSize !== undefined && expectedSize > maxSize) throw new SignetError('SIZE_MISMATCH', `the blob is declared as ${expectedSize} bytes, more than ${maxSize}`);
      if (b === undefined) throw new SignetError('BLOB_UNKNOWN', `the blob ${digest} is not in the registry`);
      if (expectedSize !== undefined && b.length !== expectedSize) throw new SignetError('SIZE_MISMATCH', `the blob is ${b.length} bytes, but its descriptor declares ${expectedSize}`);
      if (b.length > maxSize) throw new SignetError('SIZE_MISMATCH', 'too large');
      verifyBytes(b, digest, `the blob ${digest}`);
      return new Uint8Array(b);
    },
  };
  return fake as unknown as RegistryClient;
}

async function run(w: World): Promise<VerifyResult> {
  const store = new RegistrySignatureStore(clientFor(w), { registry: REGISTRY, repository: w.repository.slice(REGISTRY.length + 1) });
  const policy: VerifyPolicy = { keys: w.keys, ...(w.requiredAnnotations ? { requiredAnnotations: w.requiredAnnotations } : {}) };
  return verifyDigest(`${w.repository}@${w.imageDigest}`, w.repository, w.imageDigest, store, policy, 'matrix');
}

async function sign(priv: PrivateKey, payload: Buffer): Promise<Buffer> {
  return Buffer.from(await signerFromPrivateKey(priv).sign(payload));
}

function worldFrom(payload: Buffer, signature: Buffer, key: TrustedKey, extra: Partial<World> = {}, layerAnn: Record<string, string> = {}): World {
  const layer = newSignatureLayer(payload, signature, { [KEY_HINT_ANNOTATION]: key.publicKey.fingerprint, ...layerAnn });
  const blobs = buildSignatureManifest([layer]);
  return {
    manifest: Buffer.from(blobs.manifest),
    blobs: new Map([[layer.payloadDigest, payload], [blobs.configDigest, Buffer.from(blobs.config)]]),
    imageDigest: IMAGE,
    repository: REPOSITORY,
    keys: [key],
    requiredAnnotations: { env: 'prod' },
    ...extra,
  };
}

async function makeSigned(alg: KeyAlgorithm): Promise<Signed> {
  const priv = generatePrivateKey(alg);
  const key: TrustedKey = { name: `release-${alg}`, publicKey: priv.publicKey };
  const payload = Buffer.from(buildPayload({ dockerReference: IDENTITY, manifestDigest: IMAGE, annotations: { env: 'prod' }, creator: 'signet test', timestamp: 1_760_000_000 }));
  const signature = await sign(priv, payload);
  return { alg, priv, key, payload, signature, world: worldFrom(payload, signature, key) };
}

interface Case {
  name: string;
  world: World;
  /** The reason (verdict message or the last reason of a signature) must match this. */
  reason: RegExp;
}


// ---- mutation generators ----------------------------------------------------------------------

function byteMutations(buf: Buffer): Array<{ how: string; bytes: Buffer }> {
  const out: Array<{ how: string; bytes: Buffer }> = [];
  for (let i = 0; i < buf.length; i++) {
    const flipped = Buffer.from(buf);
    flipped[i] = flipped[i]! ^ 0x01;
    out.push({ how: `byte ${i} flipped`, bytes: flipped });
    out.push({ how: `byte ${i} removed`, bytes: Buffer.concat([buf.subarray(0, i), buf.subarray(i + 1)]) });
    out.push({ how: `byte ${i} duplicated`, bytes: Buffer.concat([buf.subarray(0, i + 1), buf.subarray(i)]) });
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path in a JSON object tree, with its value. */
function paths(doc: Json, prefix: string[] = []): Array<{ path: string[]; value: Json }> {
  const out: Array<{ path: string[]; value: Json }> = [];
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc)) {
      out.push({ path: [...prefix, k], value: v });
      out.push(...paths(v, [...prefix, k]));
    }
  }
  return out;
}

function clone(doc: Json): Json {
  return JSON.parse(JSON.stringify(doc)) as Json;
}

function parentOf(doc: Json, path: string[]): Record<string, Json> {
  let cur = doc as Record<string, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, Json>;
  return cur;
}

function changedValues(v: Json): Json[] {
  if (typeof v === 'string') {
    const out: Json[] = [`${v}x`, v.slice(0, -1), v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase(), '', 1, null];
    if (/^sha256:[0-9a-f]{64}$/.test(v)) out.push(`sha256:${v.slice(7, -1)}${v.endsWith('0') ? '1' : '0'}`, sha256Digest('another image'));
    if (v.includes('/')) out.push(`${REGISTRY}/team/other:v1`, `${REGISTRY}/team/app/sub:v1`, `127.0.0.2:5000/team/app:v1`, 'team/app:v1', `${REGISTRY}/team/app@${IMAGE}x`);
    return out.filter((x) => x !== v);
  }
  if (typeof v === 'number') return [v + 1, -v, String(v), null];
  if (v === null) return [{}, 'x', 0];
  if (Array.isArray(v)) return [null, {}];
  return [null, 'x', [], {}];
}

/** JSON-level mutations of the payload: each field changed, removed, duplicated; sibling values swapped. */
function payloadFieldMutations(payload: Buffer): Array<{ how: string; path: string[]; bytes: Buffer }> {
  const doc = JSON.parse(payload.toString()) as Json;
  const out: Array<{ how: string; path: string[]; bytes: Buffer }> = [];
  const all = paths(doc);
  for (const { path, value } of all) {
    const where = path.join('.');
    for (const nv of changedValues(value)) {
      const d = clone(doc);
      parentOf(d, path)[path.at(-1)!] = nv;
      out.push({ how: `${where} changed to ${JSON.stringify(nv)}`, path, bytes: Buffer.from(JSON.stringify(d)) });
    }
    const removed = clone(doc);
    delete parentOf(removed, path)[path.at(-1)!];
    out.push({ how: `${where} removed`, path, bytes: Buffer.from(JSON.stringify(removed)) });
    // Duplicated key: textually repeat `"key":value` inside its object (the last one is the original).
    const text = payload.toString();
    const member = `${JSON.stringify(path.at(-1))}:${JSON.stringify(value)}`;
    const at = text.indexOf(member);
    if (at >= 0) {
      for (const dup of [value, ...changedValues(value).slice(0, 1)]) {
        out.push({ how: `${where} duplicated (${JSON.stringify(dup)} first)`, path, bytes: Buffer.from(`${text.slice(0, at)}${JSON.stringify(path.at(-1))}:${JSON.stringify(dup)},${text.slice(at)}`) });
      }
    }
    const extra = clone(doc);
    const parent = parentOf(extra, path);
    if (path.length >= 1) {
      parent[`${path.at(-1)}-extra`] = value;
      out.push({ how: `a field beside ${where} added`, path, bytes: Buffer.from(JSON.stringify(extra)) });
    }
  }
  // Swaps: the values of every two leaves.
  const leaves = all.filter((p) => typeof p.value !== 'object' || p.value === null);
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i]!;
      const b = leaves[j]!;
      if (JSON.stringify(a.value) === JSON.stringify(b.value)) continue;
      const d = clone(doc);
      parentOf(d, a.path)[a.path.at(-1)!] = b.value;
      parentOf(d, b.path)[b.path.at(-1)!] = a.value;
      out.push({ how: `${a.path.join('.')} and ${b.path.join('.')} swapped`, path: a.path, bytes: Buffer.from(JSON.stringify(d)) });
    }
  }
  return out;
}

/** What a re-signed payload with this field changed must be rejected for; null when the field is not checked. */
function resignedReason(path: string[], how: string): RegExp | null {
  const p = path.join('.');
  if (/swapped/.test(how)) return /malformed|another image|repository|annotation|critical\.type|not a sha256/;
  if (p.startsWith('optional') && p !== 'optional' && /added/.test(how)) return null; // optional is free-form
  if (/added/.test(how)) return /unexpected field|malformed|annotation/;
  if (p.startsWith('optional')) {
    if (p === 'optional' || p === 'optional.env') return /annotation env|env=prod|optional|malformed/;
    return null; // creator/timestamp are informative; changing them and re-signing is a new, valid signature
  }
  if (p === 'critical.identity.docker-reference' && /changed/.test(how)) return /repository|docker-reference must be a string/;
  if (p === 'critical.image.docker-manifest-digest' && /changed/.test(how)) return /another image|not a sha256 digest/;
  if (p === 'critical.type' && /changed/.test(how)) return /critical\.type/;
  if (/duplicated/.test(how)) return /appears twice/;
  if (/removed/.test(how)) return new RegExp(`missing the field "${path.at(-1)!.replace(/[.]/g, '\\.')}"`);
  return /malformed|must be/;
}

/** A payload that parses, names the image, and differs from the original only in the identity's tag. */
function sameRepositoryOnly(bytes: Buffer): boolean {
  try {
    const p = parsePayload(bytes);
    return p.manifestDigest === IMAGE && p.dockerReference !== IDENTITY && repositoryName(parseReference(p.dockerReference)) === REPOSITORY
      && JSON.stringify(p.optional) === JSON.stringify({ env: 'prod', creator: 'signet test', timestamp: 1_760_000_000 });
  } catch {
    return false;
  }
}

function signatureMutations(sig: Buffer): Array<{ how: string; b64: string }> {
  const out = byteMutations(sig).map((m) => ({ how: `signature ${m.how}`, b64: m.bytes.toString('base64') }));
  const b64 = sig.toString('base64');
  out.push({ how: 'signature empty', b64: '' });
  out.push({ how: 'signature doubled', b64: Buffer.concat([sig, sig]).toString('base64') });
  out.push({ how: 'signature base64 with a bad character', b64: `${b64.slice(0, 10)}!${b64.slice(11)}` });
  out.push({ how: 'signature base64 without padding', b64: b64.replace(/=+$/, '') });
  out.push({ how: 'signature zeroed', b64: Buffer.alloc(sig.length).toString('base64') });
  return out.filter((m) => m.b64 !== b64);
}

function layerOf(w: World): Record<string, Json> {
  return ((JSON.parse(w.manifest.toString()) as { layers: Array<Record<string, Json>> }).layers[0]!);
}

function withManifest(w: World, change: (m: Record<string, Json>) => void): World {
  const m = JSON.parse(w.manifest.toString()) as Record<string, Json>;
  change(m);
  return { ...w, manifest: Buffer.from(JSON.stringify(m)) };
}

// ---- the matrix --------------------------------------------------------------------------------

async function generate(s: Signed, other: Signed): Promise<{ mustFail: Case[]; mustVerify: Array<{ name: string; world: World }> }> {
  const mustFail: Case[] = [];
  const mustVerify: Array<{ name: string; world: World }> = [];
  const base = s.world;
  const tag = `[${s.alg}]`;

  // 1. Payload blob bytes changed in the registry, manifest untouched.
  for (const m of byteMutations(s.payload)) {
    const blobs = new Map(base.blobs);
    blobs.set(sha256Digest(s.payload), m.bytes);
    mustFail.push({ name: `${tag} payload blob ${m.how}`, world: { ...base, blobs }, reason: /does not match the digest|altered/ });
  }
  // 2. Payload bytes changed and re-hashed into the manifest (digest and size), old signature kept.
  for (const m of byteMutations(s.payload)) {
    mustFail.push({ name: `${tag} payload ${m.how}, re-hashed`, world: worldFrom(m.bytes, s.signature, s.key), reason: /claims to be signed by .*altered|malformed/ });
  }
  // 3. Payload fields changed/removed/duplicated/swapped: not re-signed, and re-signed by the trusted key.
  for (const m of payloadFieldMutations(s.payload)) {
    mustFail.push({ name: `${tag} payload ${m.how}, old signature`, world: worldFrom(m.bytes, s.signature, s.key), reason: /claims to be signed by .*altered|malformed/ });
    const why = sameRepositoryOnly(m.bytes) ? null : resignedReason(m.path, m.how);
    const resigned = worldFrom(m.bytes, await sign(s.priv, m.bytes), s.key);
    if (why) mustFail.push({ name: `${tag} payload ${m.how}, re-signed by the trusted key`, world: resigned, reason: why });
    else if (why === null && sameRepositoryOnly(m.bytes)) mustVerify.push({ name: `${tag} payload ${m.how}, re-signed (the tag alone differs)`, world: resigned });
  }
  // 4. The signature annotation.
  for (const m of signatureMutations(s.signature)) {
    mustFail.push({
      name: `${tag} ${m.how}`,
      world: withManifest(base, (man) => { ((man.layers as Json[])[0] as { annotations: Record<string, string> }).annotations[COSIGN_SIGNATURE_ANNOTATION] = m.b64; }),
      reason: /claims to be signed by .*altered|not valid base64|no dev\.cosignproject\.cosign\/signature annotation|malformed/,
    });
  }
  // Signature swapped with a valid signature by the same key over another payload, and with the other key's.
  const otherPayload = Buffer.from(buildPayload({ dockerReference: IDENTITY, manifestDigest: sha256Digest('another image') as Digest }));
  for (const [how, sig] of [['another payload', await sign(s.priv, otherPayload)], ['the other key', other.signature]] as const) {
    mustFail.push({ name: `${tag} signature swapped with one over ${how}`, world: worldFrom(s.payload, sig, s.key), reason: /claims to be signed by .*altered/ });
  }
  // 5. Layer annotations and descriptor.
  mustFail.push({ name: `${tag} signature annotation removed`, world: withManifest(base, (man) => { delete ((man.layers as Json[])[0] as { annotations: Record<string, string> }).annotations[COSIGN_SIGNATURE_ANNOTATION]; }), reason: /no dev\.cosignproject\.cosign\/signature annotation/ });
  mustFail.push({ name: `${tag} layer annotations removed`, world: withManifest(base, (man) => { delete ((man.layers as Json[])[0] as { annotations?: unknown }).annotations; }), reason: /no dev\.cosignproject\.cosign\/signature annotation/ });
  mustFail.push({ name: `${tag} signature annotation not a string`, world: withManifest(base, (man) => { ((man.layers as Json[])[0] as { annotations: Record<string, Json> }).annotations[COSIGN_SIGNATURE_ANNOTATION] = 5; }), reason: /could not check: .*annotations/ });
  const layer = layerOf(base);
  for (const { path, value } of paths(layer).filter((p) => p.path[0] !== 'annotations')) {
    const field = path.join('.');
    for (const nv of changedValues(value)) {
      const why = field === 'mediaType' ? (typeof nv === 'string' && nv !== '' ? /media type/ : /could not check: .*mediaType/)
        : field === 'size' ? (typeof nv === 'number' && nv >= 0 ? /declares|bytes/ : /could not check: .*size/)
          : field === 'digest' ? /could not check|not in the registry|digest/ : /./;
      mustFail.push({ name: `${tag} layer ${field} changed to ${JSON.stringify(nv)}`, world: withManifest(base, (man) => { ((man.layers as Json[])[0] as Record<string, Json>)[path[0]!] = nv; }), reason: why });
    }
    mustFail.push({ name: `${tag} layer ${field} removed`, world: withManifest(base, (man) => { delete ((man.layers as Json[])[0] as Record<string, Json>)[path[0]!]; }), reason: new RegExp(`could not check: .*${field}`) });
  }
  // 6. The signature manifest itself.
  mustFail.push({ name: `${tag} the only layer removed`, world: withManifest(base, (man) => { man.layers = []; }), reason: /unsigned/ });
  mustFail.push({ name: `${tag} layers not a list`, world: withManifest(base, (man) => { man.layers = layer; }), reason: /could not check: .*layers/ });
  mustFail.push({ name: `${tag} layers removed`, world: withManifest(base, (man) => { delete man.layers; }), reason: /could not check: .*layers/ });
  mustFail.push({ name: `${tag} schemaVersion changed`, world: withManifest(base, (man) => { man.schemaVersion = 1; }), reason: /could not check: .*schemaVersion/ });
  mustFail.push({ name: `${tag} manifest mediaType an index`, world: withManifest(base, (man) => { man.mediaType = 'application/vnd.oci.image.index.v1+json'; }), reason: /could not check: .*(manifests|mediaType)/ });
  mustFail.push({ name: `${tag} manifest mediaType unknown`, world: withManifest(base, (man) => { man.mediaType = 'text/plain'; }), reason: /could not check: .*mediaType/ });
  for (const m of byteMutations(base.manifest).filter((_, i) => i % 7 === 0)) {
    // Raw manifest bytes: a sample of byte positions. Any outcome but verified is acceptable only
    // when the reason says why; a flip inside an unread field (config) may still verify.
    // Equivalent when the manifest still parses to the same signature layer (payload digest, size,
    // media type, signature): a flip in the config descriptor, an unknown key or the key hint.
    let same = false;
    try {
      const got = parseSignatureManifest(m.bytes);
      const want = parseSignatureManifest(base.manifest)[0]!;
      same = got.length === 1 && got[0]!.payloadDigest === want.payloadDigest && got[0]!.payloadSize === want.payloadSize
        && got[0]!.mediaType === want.mediaType && got[0]!.signatureB64 === want.signatureB64;
    } catch { same = false; }
    if (same) mustVerify.push({ name: `${tag} manifest ${m.how} (outside the signature layer)`, world: { ...base, manifest: m.bytes } });
    else mustFail.push({ name: `${tag} manifest ${m.how}`, world: { ...base, manifest: m.bytes }, reason: /./ });
  }
  // 7. The image digest and repository asked about.
  const hex = IMAGE.slice(7);
  for (let i = 0; i < hex.length; i++) {
    const d = `sha256:${hex.slice(0, i)}${hex[i] === '0' ? '1' : '0'}${hex.slice(i + 1)}` as Digest;
    // The signature is found under the other digest's tag (a registry that serves it there).
    const w: World = { ...base, imageDigest: d };
    mustFail.push({ name: `${tag} image digest hex ${i} changed`, world: w, reason: /made for another image/ });
  }
  for (const repo of [`${REGISTRY}/team/other`, `${REGISTRY}/team/app/sub`, `${REGISTRY}/team`, `127.0.0.2:5000/team/app`, `${REGISTRY}/team/ap`, `${REGISTRY}/team/appx`, `localhost:5000/team/app`]) {
    mustFail.push({ name: `${tag} verified as ${repo}`, world: { ...base, repository: repo }, reason: /signed for the repository/ });
  }
  // 8. The key.
  mustFail.push({ name: `${tag} key replaced by another ${s.alg} key`, world: { ...base, keys: [{ name: 'other', publicKey: generatePrivateKey(s.alg).publicKey }] }, reason: /does not verify with any trusted key/ });
  mustFail.push({ name: `${tag} key replaced by the other algorithm's key`, world: { ...base, keys: [other.key] }, reason: /does not verify with any trusted key/ });
  mustFail.push({ name: `${tag} no trusted key`, world: { ...base, keys: [] }, reason: /no trusted keys/ });
  mustFail.push({ name: `${tag} key revoked`, world: { ...base, keys: [{ ...s.key, revokedAt: '2026-01-01T00:00:00Z' }] }, reason: /revoked/ });
  const spki = Buffer.from(s.key.publicKey.spki);
  for (let i = 0; i < spki.length; i++) {
    const flipped = Buffer.from(spki);
    flipped[i] = flipped[i]! ^ 0x01;
    let pk;
    try { pk = publicKeyFromSpki(flipped); } catch (e) {
      assert.ok(e instanceof SignetError, `${tag} key byte ${i}: ${String(e)}`);
      continue; // rejected when the key is loaded: never reaches a verdict
    }
    if (Buffer.from(pk.spki).equals(spki)) {
      // OpenSSL reads a few non-DER encodings (a BIT STRING's unused-bits count) as the very same
      // key; it is re-encoded canonically, so this is the trusted key itself, not a mutation of it.
      mustVerify.push({ name: `${tag} key byte ${i} flipped, read as the same key`, world: { ...base, keys: [{ name: 'same', publicKey: pk }] } });
      continue;
    }
    mustFail.push({ name: `${tag} key byte ${i} flipped`, world: { ...base, keys: [{ name: 'flipped', publicKey: pk }] }, reason: /does not verify with any trusted key/ });
  }
  // 9. Required annotation asked for differently.
  mustFail.push({ name: `${tag} required annotation with another value`, world: { ...base, requiredAnnotations: { env: 'staging' } }, reason: /annotation env is "prod", but "staging"/ });
  mustFail.push({ name: `${tag} another required annotation`, world: { ...base, requiredAnnotations: { team: 'a' } }, reason: /team=a is missing/ });

  // Equivalences: what the verdict does not depend on.
  mustVerify.push({ name: `${tag} unchanged`, world: base });
  mustVerify.push({ name: `${tag} the signature layer duplicated`, world: withManifest(base, (man) => { man.layers = [layer, layer]; }) });
  mustVerify.push({ name: `${tag} key hint removed`, world: withManifest(base, (man) => { delete ((man.layers as Json[])[0] as { annotations: Record<string, string> }).annotations[KEY_HINT_ANNOTATION]; }) });
  mustVerify.push({ name: `${tag} key hint names another key`, world: withManifest(base, (man) => { ((man.layers as Json[])[0] as { annotations: Record<string, string> }).annotations[KEY_HINT_ANNOTATION] = other.key.publicKey.fingerprint; }) });
  mustVerify.push({ name: `${tag} config digest changed (never read)`, world: withManifest(base, (man) => { (man.config as Record<string, Json>).digest = sha256Digest('x'); }) });
  const tagOnly = Buffer.from(buildPayload({ dockerReference: `${REPOSITORY}:v2`, manifestDigest: IMAGE, annotations: { env: 'prod' } }));
  mustVerify.push({ name: `${tag} re-signed with another tag in the identity (matchRepository)`, world: worldFrom(tagOnly, await sign(s.priv, tagOnly), s.key) });
  return { mustFail, mustVerify };
}

function reasonText(r: VerifyResult): string {
  return [r.message, ...r.signatures.flatMap((s) => s.reasons)].join(' | ');
}

test('verdict soundness matrix: every single mutation gives a verdict other than verified, naming what changed', async () => {
  const ed = await makeSigned('ed25519');
  const ec = await makeSigned('ecdsa-p256');
  const failures: string[] = [];
  let mustFailCount = 0;
  let mustVerifyCount = 0;
  const byVerdict: Record<string, number> = {};
  for (const [s, other] of [[ed, ec], [ec, ed]] as const) {
    const { mustFail, mustVerify } = await generate(s, other);
    mustFailCount += mustFail.length;
    mustVerifyCount += mustVerify.length;
    for (const c of mustFail) {
      let r: VerifyResult;
      try {
        r = await run(c.world);
      } catch (e) {
        failures.push(`${c.name}: threw ${String(e)}`);
        continue;
      }
      byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
      if (r.verdict === 'verified') failures.push(`${c.name}: VERIFIED (${reasonText(r)})`);
      else if (!c.reason.test(reasonText(r))) failures.push(`${c.name}: ${r.verdict}, but the reason does not name the change: ${reasonText(r)}`);
    }
    for (const c of mustVerify) {
      const r = await run(c.world);
      if (r.verdict !== 'verified') failures.push(`${c.name}: expected verified, got ${r.verdict}: ${reasonText(r)}`);
    }
  }
  console.log(`verdict matrix: ${mustFailCount} mutations (never verified: ${JSON.stringify(byVerdict)}), ${mustVerifyCount} equivalences (still verified)`);
  assert.ok(mustFailCount > 1000, `the matrix is generated (${mustFailCount})`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} of ${mustFailCount + mustVerifyCount} cases failed`);
});

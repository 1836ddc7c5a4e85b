// Verdict soundness matrix for Sigstore bundles (the `.sig` one is verdict-matrix.test.ts): a
// Signet bundle signature (one Ed25519 and one ECDSA P-256 key), then every single mutation of
// what a verifier reads: the bundle bytes (every byte flipped, removed, duplicated; in the
// registry as they are, and re-hashed into the manifest), the bundle's JSON fields (the DSSE
// envelope, its payload type, signature list and keyid, the key material), the statement (every
// byte, with the old signature; every field changed, removed, duplicated, swapped, added, with
// the old signature and re-signed by the trusted key), the signature (every byte, re-encoded in
// base64; other base64 spellings), the referrer manifest and the fallback index (every byte;
// fields), the image digest and repository asked about, and the key. Each goes through the
// bundle format's readers and checks (readBundleEvidence, checkBundle) and decideVerdict, as
// the store would hand them over (a manifest is found only by the digest the index names), and
// must never be *verified*; field-level cases must also give the reason.
//
// Equivalences, checked the other way (they must still verify, and are counted): the DSSE keyid
// (any value, or none: it is ignored), the key hint (a claim: changed, removed, naming another
// key), the referrer manifest's unread fields (config, annotations, artifactType, the subject's
// media type and size, a layer media type still a bundle type), the index entry's unread fields,
// and statements re-signed by the trusted key that mean the same: no subject name (cosign's own
// form), no predicate, and fields in-toto tells readers to ignore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBundleSignature } from '../../electron/engine/formats/sigstore-bundle/build-bundle-signature.js';
import { readBundleEvidence } from '../../electron/engine/formats/sigstore-bundle/read-evidence.js';
import { checkBundle } from '../../electron/engine/formats/sigstore-bundle/check-bundle.js';
import { bundleReferrerOf } from '../../electron/engine/formats/sigstore-bundle/referrer-manifest.js';
import { bundleCandidate, parseReferrersIndex } from '../../electron/engine/formats/sigstore-bundle/referrers-index.js';
import { keyHintOf } from '../../electron/engine/formats/sigstore-bundle/bundle.js';
import { decideVerdict, type TrustedKey, type VerdictResult } from '../../electron/engine/cosign/verdict.js';
import { generatePrivateKey, type PrivateKey } from '../../electron/engine/keys/private-key.js';
import { publicKeyFromSpki } from '../../electron/engine/keys/public-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import { sha256Digest, type Digest } from '../../electron/engine/content/digest.js';
import { SignetError } from '../../electron/engine/errors.js';
import type { KeyAlgorithm } from '../../electron/engine/keys/algorithms.js';
import { signPae } from '../helpers/bundle.js';

const REGISTRY = '127.0.0.1:5000';
const REPOSITORY = `${REGISTRY}/team/app`;
const IMAGE = sha256Digest('the image manifest');
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

interface World {
  index: Buffer;
  manifest: Buffer;
  bundle: Buffer;
  imageDigest: Digest;
  repository: string;
  keys: TrustedKey[];
  requiredAnnotations?: Record<string, string>;
}

/** As the store would: the index's candidates, each manifest found only by the digest listed, then read and checked. */
function run(w: World): VerdictResult {
  const index = parseReferrersIndex(w.index);
  if (!index.ok) return decideVerdict(true, [{ status: index.problem.status, ok: false, payloadDigest: sha256Digest(w.index), reasons: [index.problem.reason] }], 'matrix');
  const reports = [];
  let found = false;
  for (const d of index.value.manifests) {
    if (bundleCandidate(d) === 'other' || d.digest !== sha256Digest(w.manifest)) continue; // the registry has no other manifest
    found = true;
    const check = checkBundle(readBundleEvidence({ manifest: w.manifest, bundleBytes: w.bundle }), { repository: w.repository, digest: w.imageDigest }, { keys: w.keys, ...(w.requiredAnnotations ? { requiredAnnotations: w.requiredAnnotations } : {}) });
    if (check.kind === 'signature') reports.push(check.signature);
  }
  return decideVerdict(found, reports, 'matrix');
}

function reasonText(r: VerdictResult): string {
  return [r.message, ...r.signatures.flatMap((s) => s.reasons)].join(' | ');
}

// ---- building worlds ---------------------------------------------------------------------------

interface Signed { alg: KeyAlgorithm; priv: PrivateKey; key: TrustedKey; bundleDoc: Json; statement: Buffer; signature: Buffer; world: World }

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function indexFor(manifest: Buffer, extra: Record<string, Json> = {}): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: MANIFEST_TYPE, digest: sha256Digest(manifest), size: manifest.length, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...extra }] }));
}

/** The manifest re-pointed at new bundle bytes (digest and size), everything else as it was. */
function manifestFor(base: Buffer, bundle: Buffer): Buffer {
  const m = JSON.parse(base.toString()) as { layers: Array<Record<string, Json>> };
  m.layers[0]!.digest = sha256Digest(bundle);
  m.layers[0]!.size = bundle.length;
  return Buffer.from(JSON.stringify(m));
}

/** A world whose bundle is `bundle`, re-hashed into the manifest and the index. */
function withBundle(base: World, bundle: Buffer): World {
  const manifest = manifestFor(base.manifest, bundle);
  return { ...base, bundle, manifest, index: indexFor(manifest) };
}

function withManifest(base: World, manifest: Buffer): World {
  return { ...base, manifest, index: indexFor(manifest) };
}

function bundleFrom(doc: Json): Buffer {
  return Buffer.from(JSON.stringify(doc));
}

function envelopeOf(doc: Json): Record<string, Json> {
  return (doc as Record<string, Record<string, Json>>).dsseEnvelope!;
}

/** The base bundle with another statement and signature. */
function bundleWith(s: Signed, statement: Buffer, signature: Buffer): Buffer {
  const doc = clone(s.bundleDoc);
  envelopeOf(doc).payload = statement.toString('base64');
  (envelopeOf(doc).signatures as Array<Record<string, Json>>)[0]!.sig = signature.toString('base64');
  return bundleFrom(doc);
}

async function makeSigned(alg: KeyAlgorithm): Promise<Signed> {
  const priv = generatePrivateKey(alg);
  const key: TrustedKey = { name: `release-${alg}`, publicKey: priv.publicKey };
  const out = await buildBundleSignature({ signer: signerFromPrivateKey(priv), subject: { digest: IMAGE, mediaType: MANIFEST_TYPE, size: 1234 }, repository: REPOSITORY, annotations: { env: 'prod' }, created: new Date('2026-05-01T00:00:00Z') });
  const bundle = Buffer.from(out.bundle);
  const bundleDoc = JSON.parse(bundle.toString()) as Json;
  const signature = Buffer.from((envelopeOf(bundleDoc).signatures as Array<Record<string, string>>)[0]!.sig!, 'base64');
  const manifest = Buffer.from(out.manifest);
  const world: World = { index: indexFor(manifest), manifest, bundle, imageDigest: IMAGE, repository: REPOSITORY, keys: [key], requiredAnnotations: { env: 'prod' } };
  return { alg, priv, key, bundleDoc, statement: Buffer.from(out.statement), signature, world };
}

// ---- mutation generators -----------------------------------------------------------------------

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

function clone<T extends Json>(doc: T): T {
  return JSON.parse(JSON.stringify(doc)) as T;
}

/** Every path in a JSON tree (objects and arrays), with its value. */
function paths(doc: Json, prefix: string[] = []): Array<{ path: string[]; value: Json }> {
  const out: Array<{ path: string[]; value: Json }> = [];
  if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      out.push({ path: [...prefix, k], value: v });
      out.push(...paths(v, [...prefix, k]));
    }
  }
  return out;
}

function parentOf(doc: Json, path: string[]): Record<string, Json> | Json[] {
  let cur = doc as Record<string, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, Json>;
  return cur;
}

function setAt(doc: Json, path: string[], v: Json): void {
  (parentOf(doc, path) as Record<string, Json>)[path.at(-1)!] = v;
}

function removeAt(doc: Json, path: string[]): void {
  const parent = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
  else delete parent[path.at(-1)!];
}

function changedValues(v: Json): Json[] {
  if (typeof v === 'string') {
    const out: Json[] = [`${v}x`, v.slice(0, -1), v.toUpperCase() === v ? v.toLowerCase() : v.toUpperCase(), '', 1, null];
    if (/^[0-9a-f]{64}$/.test(v)) out.push(`${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`, sha256Digest('another image').slice(7), `sha256:${v}`);
    if (v.includes('/')) out.push(`${REGISTRY}/team/other:v1`, `${REGISTRY}/team/app/sub`, `127.0.0.2:5000/team/app`, 'team/app', `${REGISTRY}/team/app@sha256:${'0'.repeat(63)}`);
    return out.filter((x) => x !== v);
  }
  if (typeof v === 'number') return [v + 1, -v, String(v), null];
  if (v === null) return [{}, 'x', 0];
  if (Array.isArray(v)) return [null, {}, [], 'x'].filter((x) => JSON.stringify(x) !== JSON.stringify(v));
  return [null, 'x', [], {}].filter((x) => JSON.stringify(x) !== JSON.stringify(v));
}

interface FieldMutation { how: string; path: string[]; kind: 'changed' | 'removed' | 'duplicated' | 'added' | 'swapped'; bytes: Buffer }

/** JSON-level mutations: each field changed, removed, duplicated (textually, either order), a sibling added; leaf values swapped. */
function fieldMutations(bytes: Buffer): FieldMutation[] {
  const doc = JSON.parse(bytes.toString()) as Json;
  const text = bytes.toString();
  const out: FieldMutation[] = [];
  const all = paths(doc);
  for (const { path, value } of all) {
    const where = path.join('.');
    const key = path.at(-1)!;
    const inArray = Array.isArray(parentOf(doc, path));
    for (const nv of changedValues(value)) {
      const d = clone(doc);
      setAt(d, path, nv);
      out.push({ how: `${where} changed to ${JSON.stringify(nv).slice(0, 40)}`, path, kind: 'changed', bytes: Buffer.from(JSON.stringify(d)) });
    }
    const removed = clone(doc);
    removeAt(removed, path);
    out.push({ how: `${where} removed`, path, kind: 'removed', bytes: Buffer.from(JSON.stringify(removed)) });
    if (inArray) {
      const d = clone(doc);
      (parentOf(d, path) as Json[]).push(clone(value));
      out.push({ how: `${where} duplicated in its list`, path, kind: 'duplicated', bytes: Buffer.from(JSON.stringify(d)) });
      continue;
    }
    const member = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    const at = text.indexOf(member);
    if (at >= 0) {
      for (const dup of [value, ...changedValues(value).slice(0, 1)]) {
        out.push({ how: `${where} duplicated (${JSON.stringify(dup).slice(0, 30)} first)`, path, kind: 'duplicated', bytes: Buffer.from(`${text.slice(0, at)}${JSON.stringify(key)}:${JSON.stringify(dup)},${text.slice(at)}`) });
      }
    }
    const extra = clone(doc);
    (parentOf(extra, path) as Record<string, Json>)[`${key}-extra`] = value;
    out.push({ how: `a field beside ${where} added`, path, kind: 'added', bytes: Buffer.from(JSON.stringify(extra)) });
  }
  const leaves = all.filter((p) => typeof p.value !== 'object' || p.value === null);
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const a = leaves[i]!;
      const b = leaves[j]!;
      if (JSON.stringify(a.value) === JSON.stringify(b.value)) continue;
      const d = clone(doc);
      setAt(d, a.path, b.value);
      setAt(d, b.path, a.value);
      out.push({ how: `${a.path.join('.')} and ${b.path.join('.')} swapped`, path: a.path, kind: 'swapped', bytes: Buffer.from(JSON.stringify(d)) });
    }
  }
  return out;
}

/** A re-signed statement that still means the same: no subject name, no predicate, or a field in-toto readers ignore. */
function statementEquivalent(m: FieldMutation): boolean {
  const p = m.path.join('.');
  if (m.kind === 'removed') return p === 'subject.0.name' || p === 'predicate';
  if (m.kind === 'duplicated' && p === 'subject.0') return true; // the same subject twice names the same image with the same claims
  if (m.kind === 'added') return true; // unknown fields are ignored; an extra digest algorithm or annotation changes nothing checked
  if (m.kind === 'changed' && p === 'predicate') return JSON.stringify(JSON.parse(m.bytes.toString()).predicate) === '{}';
  return false;
}

function signatureEncodings(sig: Buffer): Array<{ how: string; b64: string }> {
  const out = byteMutations(sig).map((m) => ({ how: `signature ${m.how}`, b64: m.bytes.toString('base64') }));
  const b64 = sig.toString('base64');
  out.push({ how: 'signature empty', b64: '' });
  out.push({ how: 'signature doubled', b64: Buffer.concat([sig, sig]).toString('base64') });
  out.push({ how: 'signature zeroed', b64: Buffer.alloc(sig.length).toString('base64') });
  out.push({ how: 'signature base64 with a bad character', b64: `${b64.slice(0, 10)}!${b64.slice(11)}` });
  out.push({ how: 'signature base64 without padding', b64: b64.replace(/=+$/, '') || `${b64}=` });
  out.push({ how: 'signature in the URL-safe alphabet', b64: sig.toString('base64url') });
  out.push({ how: 'signature base64 with a newline', b64: `${b64.slice(0, 20)}\n${b64.slice(20)}` });
  out.push({ how: 'signature base64 with non-zero padding bits', b64: nonCanonical(b64) });
  return out.filter((m) => m.b64 !== b64);
}

/** The same bytes spelled with non-zero unused bits in the last character (lenient decoders accept it). */
function nonCanonical(b64: string): string {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  if (pad === 0) return `${b64}====`;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const i = b64.length - pad - 1;
  return `${b64.slice(0, i)}${alphabet[alphabet.indexOf(b64[i]!) + 1]}${b64.slice(i + 1)}`;
}

// ---- the matrix --------------------------------------------------------------------------------

interface Case { name: string; world: World; reason: RegExp }

async function generate(s: Signed, other: Signed): Promise<{ mustFail: Case[]; mustVerify: Array<{ name: string; world: World }> }> {
  const mustFail: Case[] = [];
  const mustVerify: Array<{ name: string; world: World }> = [];
  const base = s.world;
  const tag = `[${s.alg}]`;
  const any = /./;
  const fail = (name: string, world: World, reason: RegExp = any) => mustFail.push({ name: `${tag} ${name}`, world, reason });
  const verify = (name: string, world: World) => mustVerify.push({ name: `${tag} ${name}`, world });

  // 1. Bundle bytes: in the registry as served (manifest untouched), and re-hashed into the manifest.
  const baseRead = readBundleEvidence({ manifest: base.manifest, bundleBytes: base.bundle });
  assert.ok(baseRead.ok);
  for (const m of byteMutations(base.bundle)) {
    fail(`bundle blob ${m.how}`, { ...base, bundle: m.bytes }, /not the layer its manifest names/);
    // Re-hashed: equivalent only when what is verified is untouched (the key hint is a claim).
    const r = readBundleEvidence({ manifest: manifestFor(base.manifest, m.bytes), bundleBytes: m.bytes });
    const same = r.ok && Buffer.from(r.evidence.bundle.signedBytes).equals(Buffer.from(baseRead.evidence.bundle.signedBytes))
      && Buffer.from(r.evidence.bundle.signature).equals(Buffer.from(baseRead.evidence.bundle.signature)) && r.evidence.bundle.keyMaterial.kind === 'public-key';
    if (same) verify(`bundle ${m.how}, re-hashed (${describeSame(r, baseRead)})`, withBundle(base, m.bytes));
    else fail(`bundle ${m.how}, re-hashed`, withBundle(base, m.bytes));
  }
  // 2. The bundle's fields: the envelope, the key material.
  for (const m of fieldMutations(base.bundle)) {
    const p = m.path.join('.');
    // The hint is a claim: another string, or none, verifies the same. A hint that is not a string is malformed.
    const doc = JSON.parse(m.bytes.toString()) as { verificationMaterial?: { publicKey?: { hint?: unknown } } };
    const publicKey = doc.verificationMaterial?.publicKey;
    const hintOnly = (m.kind === 'changed' || m.kind === 'removed') && (p === 'verificationMaterial.publicKey.hint' || p === 'verificationMaterial.publicKey')
      && publicKey !== null && typeof publicKey === 'object' && !Array.isArray(publicKey) && (publicKey.hint === undefined || typeof publicKey.hint === 'string');
    if (hintOnly) verify(`bundle ${m.how} (the hint is a claim)`, withBundle(base, m.bytes));
    else fail(`bundle ${m.how}`, withBundle(base, m.bytes), /malformed|appears twice|could not check|does not read|unexpected field|claims to be signed|not a Sigstore bundle|message signature|payloadType|exactly one|not valid UTF-8/);
  }
  for (const keyid of ['', 'anything', keyHintOf(other.key.publicKey.spki), 'x'.repeat(1000)]) {
    const doc = clone(s.bundleDoc);
    (envelopeOf(doc).signatures as Array<Record<string, Json>>)[0]!.keyid = keyid;
    verify(`DSSE keyid ${JSON.stringify(keyid.slice(0, 20))} (ignored)`, withBundle(base, bundleFrom(doc)));
  }
  const hintOther = clone(s.bundleDoc);
  ((hintOther as Record<string, Record<string, Record<string, Json>>>).verificationMaterial!.publicKey!).hint = keyHintOf(other.key.publicKey.spki);
  verify('key hint naming another trusted key', { ...withBundle(base, bundleFrom(hintOther)), keys: [other.key, s.key] });
  // The payload type is signed (PAE): changed and re-signed by the trusted key, it is still refused.
  for (const payloadType of ['application/vnd.dev.cosign.simplesigning.v1+json', 'application/vnd.in-toto+jsonx', 'application/json']) {
    const doc = clone(s.bundleDoc);
    envelopeOf(doc).payloadType = payloadType;
    (envelopeOf(doc).signatures as Array<Record<string, Json>>)[0]!.sig = (await signPae(s.priv, s.statement, payloadType)).toString('base64');
    fail(`payloadType ${payloadType}, re-signed by the trusted key`, withBundle(base, bundleFrom(doc)), /payloadType/);
  }
  const twoSigs = clone(s.bundleDoc);
  (envelopeOf(twoSigs).signatures as Json[]).push({ sig: other.signature.toString('base64') });
  fail('a second DSSE signature (by the other key)', withBundle(base, bundleFrom(twoSigs)), /holds 2 signatures/);

  // 3. The statement: every byte with the old signature; every field with the old signature and re-signed.
  for (const m of byteMutations(s.statement)) {
    // A change that turns the predicate type into another one makes it an attestation: never counted, so *unsigned*.
    fail(`statement ${m.how}, old signature`, withBundle(base, bundleWith(s, m.bytes, s.signature)), /claims to be signed by .*altered|malformed|not valid UTF-8|another image|^unsigned/);
  }
  for (const m of fieldMutations(s.statement)) {
    fail(`statement ${m.how}, old signature`, withBundle(base, bundleWith(s, m.bytes, s.signature)), /claims to be signed by .*altered|malformed|^unsigned/);
    const resigned = withBundle(base, bundleWith(s, m.bytes, await signPae(s.priv, m.bytes)));
    if (statementEquivalent(m)) verify(`statement ${m.how}, re-signed (means the same)`, resigned);
    else fail(`statement ${m.how}, re-signed by the trusted key`, resigned, /malformed|appears twice|another image|repository|annotation|unsigned|more than once/);
  }
  // Re-signed statements for another image, another repository, as an attestation.
  const resign = async (statement: object) => { const b = Buffer.from(JSON.stringify(statement)); return withBundle(base, bundleWith(s, b, await signPae(s.priv, b))); };
  const st = JSON.parse(s.statement.toString()) as { subject: Array<Record<string, Json>>; predicateType: string };
  fail('re-signed for another image', await resign({ ...st, subject: [{ ...st.subject[0], digest: { sha256: sha256Digest('other').slice(7) } }] }), /another image/);
  fail('re-signed as an SLSA attestation', await resign({ ...st, predicateType: 'https://slsa.dev/provenance/v1' }), /unsigned/);
  verify('re-signed with a tag in the subject name (the repository is compared)', await resign({ ...st, subject: [{ ...st.subject[0], name: `${REPOSITORY}:v2` }] }));

  // 4. The signature: every byte, re-encoded; other spellings of the same bytes; other signatures.
  for (const m of signatureEncodings(s.signature)) {
    const doc = clone(s.bundleDoc);
    (envelopeOf(doc).signatures as Array<Record<string, Json>>)[0]!.sig = m.b64;
    fail(m.how, withBundle(base, bundleFrom(doc)), /claims to be signed by .*altered|standard base64|malformed/);
  }
  const otherStatement = Buffer.from(JSON.stringify({ ...st, subject: [{ ...st.subject[0], digest: { sha256: sha256Digest('x').slice(7) } }] }));
  fail('signature over another statement by the same key', withBundle(base, bundleWith(s, s.statement, await signPae(s.priv, otherStatement))), /claims to be signed by .*altered/);
  fail('signature by the other key', withBundle(base, bundleWith(s, s.statement, other.signature)), /claims to be signed by .*altered/);
  fail('signature over the bare statement, not the PAE', withBundle(base, bundleWith(s, s.statement, Buffer.from(await signerFromPrivateKey(s.priv).sign(s.statement)))), /claims to be signed by .*altered/);

  // 5. The referrer manifest: every byte (equivalent when the layer and subject it names are untouched), and fields.
  const wanted = bundleReferrerOf(base.manifest);
  assert.ok(wanted.ok);
  for (const m of byteMutations(base.manifest)) {
    const got = bundleReferrerOf(m.bytes);
    const same = got.ok && got.value.layer.digest === wanted.value.layer.digest && got.value.layer.size === wanted.value.layer.size && got.value.subject.digest === wanted.value.subject.digest;
    if (same) verify(`manifest ${m.how} (outside the layer and subject it names)`, withManifest(base, m.bytes));
    else fail(`manifest ${m.how}`, withManifest(base, m.bytes));
  }
  for (const m of fieldMutations(base.manifest)) {
    const got = bundleReferrerOf(m.bytes);
    const same = got.ok && got.value.layer.digest === wanted.value.layer.digest && got.value.layer.size === wanted.value.layer.size && got.value.subject.digest === wanted.value.subject.digest;
    if (same) verify(`manifest ${m.how} (not read)`, withManifest(base, m.bytes));
    else fail(`manifest ${m.how}`, withManifest(base, m.bytes), /malformed|not the layer|exactly one layer|no subject|another image|not an OCI image manifest|is an index|appears twice|could not check|more than/);
  }
  // 6. The fallback index: every byte; equivalent when it still lists the manifest's digest as a bundle candidate.
  for (const m of byteMutations(base.index)) {
    const got = parseReferrersIndex(m.bytes);
    const same = got.ok && got.value.manifests.some((d) => d.digest === sha256Digest(base.manifest) && bundleCandidate(d) !== 'other');
    if (same) verify(`index ${m.how} (still lists the referrer)`, { ...base, index: m.bytes });
    else fail(`index ${m.how}`, { ...base, index: m.bytes });
  }
  // 7. The image digest and repository asked about (a registry serving this signature under another image).
  const hex = IMAGE.slice(7);
  for (let i = 0; i < hex.length; i++) {
    fail(`image digest hex ${i} changed`, { ...base, imageDigest: `sha256:${hex.slice(0, i)}${hex[i] === '0' ? '1' : '0'}${hex.slice(i + 1)}` }, /refers to another image/);
  }
  for (const repo of [`${REGISTRY}/team/other`, `${REGISTRY}/team/app/sub`, `${REGISTRY}/team`, `127.0.0.2:5000/team/app`, `${REGISTRY}/team/ap`, `${REGISTRY}/team/appx`, `localhost:5000/team/app`]) {
    fail(`verified as ${repo}`, { ...base, repository: repo }, /signed for the repository/);
  }
  // 8. The key.
  fail(`key replaced by another ${s.alg} key`, { ...base, keys: [{ name: 'other', publicKey: generatePrivateKey(s.alg).publicKey }] }, /does not verify with any trusted key/);
  fail('key replaced by the other algorithm\'s key', { ...base, keys: [other.key] }, /does not verify with any trusted key/);
  fail('no trusted key', { ...base, keys: [] }, /no trusted keys/);
  fail('key revoked', { ...base, keys: [{ ...s.key, revokedAt: '2026-01-01T00:00:00Z' }] }, /revoked/);
  const spki = Buffer.from(s.key.publicKey.spki);
  for (let i = 0; i < spki.length; i++) {
    const flipped = Buffer.from(spki);
    flipped[i] = flipped[i]! ^ 0x01;
    let pk;
    try { pk = publicKeyFromSpki(flipped); } catch (e) {
      assert.ok(e instanceof SignetError, `${tag} key byte ${i}: ${String(e)}`);
      continue;
    }
    if (Buffer.from(pk.spki).equals(spki)) { verify(`key byte ${i} flipped, read as the same key`, { ...base, keys: [{ name: 'same', publicKey: pk }] }); continue; }
    fail(`key byte ${i} flipped`, { ...base, keys: [{ name: 'flipped', publicKey: pk }] }, /does not verify with any trusted key/);
  }
  // 9. Required annotations asked differently.
  fail('required annotation with another value', { ...base, requiredAnnotations: { env: 'staging' } }, /annotation env is "prod", but "staging"/);
  fail('another required annotation', { ...base, requiredAnnotations: { team: 'a' } }, /team=a is missing/);

  verify('unchanged', base);
  verify('the index lists the referrer twice', { ...base, index: Buffer.from(JSON.stringify({ ...JSON.parse(base.index.toString()), manifests: [...JSON.parse(base.index.toString()).manifests, ...JSON.parse(base.index.toString()).manifests] })) });
  verify('index entry artifactType as cosign v3.0.x wrote it', { ...base, index: indexFor(base.manifest, { artifactType: 'application/vnd.oci.empty.v1+json' }) });
  return { mustFail, mustVerify };
}

function describeSame(r: ReturnType<typeof readBundleEvidence>, base: ReturnType<typeof readBundleEvidence>): string {
  if (!r.ok || !base.ok) return '';
  const a = r.evidence.bundle.keyMaterial;
  const b = base.evidence.bundle.keyMaterial;
  return JSON.stringify(a) !== JSON.stringify(b) ? 'the key hint changed' : 'an unsigned field changed';
}

test('bundle verdict matrix: no mutation of what a verifier reads is verified; the equivalences still are', async () => {
  const ed = await makeSigned('ed25519');
  const ec = await makeSigned('ecdsa-p256');
  const failures: string[] = [];
  let mustFailCount = 0;
  let mustVerifyCount = 0;
  const byVerdict: Record<string, number> = {};
  const started = Date.now();
  for (const [s, other] of [[ed, ec], [ec, ed]] as const) {
    const { mustFail, mustVerify } = await generate(s, other);
    mustFailCount += mustFail.length;
    mustVerifyCount += mustVerify.length;
    for (const c of mustFail) {
      let r: VerdictResult;
      try {
        r = run(c.world);
      } catch (e) {
        failures.push(`${c.name}: threw ${String(e)}`);
        continue;
      }
      byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
      if (r.verdict === 'verified') failures.push(`${c.name}: VERIFIED (${reasonText(r)})`);
      else if (!c.reason.test(reasonText(r))) failures.push(`${c.name}: ${r.verdict}, but the reason does not name the change: ${reasonText(r)}`);
    }
    for (const c of mustVerify) {
      if (process.env.MATRIX_DUMP) console.log(`equivalence: ${c.name.replace(/\d+/g, 'N')}`);
      const r = run(c.world);
      if (r.verdict !== 'verified') failures.push(`${c.name}: expected verified, got ${r.verdict}: ${reasonText(r)}`);
    }
  }
  console.log(`bundle verdict matrix: ${mustFailCount} mutations (never verified: ${JSON.stringify(byVerdict)}), ${mustVerifyCount} equivalences (still verified), ${Date.now() - started} ms`);
  assert.ok(mustFailCount > 10_000, `the matrix is generated (${mustFailCount})`);
  if (process.env.MATRIX_DUMP) for (const f of failures) console.log(f);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} of ${mustFailCount + mustVerifyCount} cases failed`);
});

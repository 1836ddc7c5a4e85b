// A local Sigstore made in the tests with @sigstore/mock (the Sigstore project's own mock of its
// services: a Fulcio-like CA with a CT log, a Rekor-like log, a timestamp authority), and a
// trusted root assembled for it by hand, as @sigstore/mock-server's assembleTrustedRoot does.
// It signs fresh payloads keyless in both forms Signet reads: the cosign `.sig` layer with its
// annotations, and a Sigstore bundle (v0.3, DSSE in-toto statement, Rekor v1 or v2 entry).
// For the end-to-end tests to come: `keylessSigLayer` / `keylessBundle` return the material for a
// given image digest, ready to be pushed as a `.sig` layer or a bundle referrer.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { initializeCA, initializeCTLog, initializeTLog, initializeTSA } from '@sigstore/mock';
import { dsse } from '@sigstore/core';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot, type CertificateAuthority, type TransparencyLogInstance } from '@sigstore/protobuf-specs';
import { Entry as RekorV2Entry } from '@sigstore/protobuf-specs/rekor/v2';
import { buildPayload } from '../../electron/engine/cosign/payload.js';
import type { Digest } from '../../electron/engine/content/digest.js';
import { encodePem } from '../../electron/engine/keys/pem.js';
import { parseTrustedRoot, type LoadedTrustedRoot } from '../../electron/engine/trust/trusted-root/trusted-root.js';
import type { SigLayer } from '../../electron/engine/verify/keyless/sig-layer-material.js';

type Unwrap<T> = T extends Promise<infer U> ? U : T;
export type MockCA = Unwrap<ReturnType<typeof initializeCA>>;
export type MockTLog = Unwrap<ReturnType<typeof initializeTLog>>;
export type MockTSA = Unwrap<ReturnType<typeof initializeTSA>>;

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const RELEASE_WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const FULCIO = '1.3.6.1.4.1.57264.1';
const REKOR_URL = 'https://rekor.sigstore-mock.test';
const VALID_FROM = new Date('2020-01-01T00:00:00Z');

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spkiOf = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
/** The bytes of a view the mock returns (exactly its bytes, not the whole ArrayBuffer under it). */
const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest();

export interface SigstoreStack {
  ca: MockCA;
  /** A second CA of the same trusted root whose clock is an hour behind: its 10-minute certificates have expired by the time anything is logged. */
  staleCa: MockCA;
  /** A CA the trusted root does not have (it logs to the trusted CT log, so only its chain fails). */
  untrustedCa: MockCA;
  tlog: MockTLog;
  /** A log the trusted root does not have. */
  unknownTlog: MockTLog;
  tsa: MockTSA;
  /** trusted_root.json for this stack, and it loaded. */
  trustedRootText: string;
  trustedRoot: LoadedTrustedRoot;
}

function logInstance(key: Buffer, baseUrl: string): TransparencyLogInstance {
  return {
    baseUrl,
    logId: { keyId: sha256(key) },
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: { rawBytes: key, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start: VALID_FROM, end: undefined } },
    checkpointKeyId: undefined,
    operator: 'sigstore.mock',
  };
}

function authority(certs: ArrayBufferView[], uri: string): CertificateAuthority {
  return {
    subject: { commonName: 'sigstore', organization: 'sigstore.mock' },
    uri,
    certChain: { certificates: certs.map((c) => ({ rawBytes: bytes(c) })) },
    validFor: { start: VALID_FROM, end: undefined },
    operator: 'sigstore.mock',
  };
}

export async function startSigstoreStack(): Promise<SigstoreStack> {
  const ctlog = await initializeCTLog(ecKey());
  const ca = await initializeCA(ecKey(), ctlog);
  const staleCa = await initializeCA(ecKey(), ctlog, new Date(Date.now() - 60 * 60_000));
  const untrustedCa = await initializeCA(ecKey(), ctlog);
  const tlog = await initializeTLog(REKOR_URL, ecKey());
  const unknownTlog = await initializeTLog(REKOR_URL, ecKey());
  const tsa = await initializeTSA(ecKey());
  const root: TrustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [authority([ca.rootCertificate], 'https://fulcio.sigstore-mock.test'), authority([staleCa.rootCertificate], 'https://fulcio-stale.sigstore-mock.test')],
    ctlogs: [logInstance(ctlog.publicKey, 'https://ctfe.sigstore-mock.test')],
    tlogs: [logInstance(tlog.publicKey, REKOR_URL)],
    timestampAuthorities: [authority([tsa.intCertificate, tsa.rootCertificate], 'https://tsa.sigstore-mock.test')],
  };
  const trustedRootText = JSON.stringify(TrustedRoot.toJSON(root), null, 2);
  const trustedRoot = parseTrustedRoot(trustedRootText, 'the mock stack\'s trusted root', { kind: 'file', path: 'mock', modified: new Date().toISOString() });
  return { ca, staleCa, untrustedCa, tlog, unknownTlog, tsa, trustedRootText, trustedRoot };
}

export interface KeylessSigner {
  identity: string;
  issuer: string;
  /** Extra Fulcio extensions by OID (values as Fulcio writes them: DER UTF8String, or raw for `legacy`). */
  extensions?: Array<{ oid: string; value: string; legacy?: boolean }>;
  /** Write the issuer in the old raw extension (.1.1) instead of .1.8, as 2022 certificates do. */
  legacyIssuer?: boolean;
}

/** GitHub Actions' extensions for acme/app's release workflow, as Fulcio writes them. */
export const RELEASE_PIPELINE: KeylessSigner = {
  identity: RELEASE_WORKFLOW,
  issuer: GITHUB_ACTIONS_ISSUER,
  extensions: [
    { oid: `${FULCIO}.9`, value: RELEASE_WORKFLOW },
    { oid: `${FULCIO}.11`, value: 'github-hosted' },
    { oid: `${FULCIO}.12`, value: 'https://github.com/acme/app' },
    { oid: `${FULCIO}.13`, value: '6f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c' },
    { oid: `${FULCIO}.14`, value: 'refs/tags/v1.4' },
    { oid: `${FULCIO}.20`, value: 'push' },
    { oid: `${FULCIO}.21`, value: 'https://github.com/acme/app/actions/runs/42/attempts/1' },
    { oid: `${FULCIO}.5`, value: 'acme/app', legacy: true },
  ],
};

export interface SigningOptions {
  signer?: KeylessSigner;
  /** Which CA issues the certificate (default the stack's trusted one). */
  ca?: MockCA;
  /** Which log records the entry (default the trusted one); 'none' stores no entry. */
  tlog?: MockTLog | 'none';
  /** Log the entry of another signature (same certificate, same payload, other signature bytes) in its place. */
  logAnotherSignature?: boolean;
  /** Add an RFC 3161 timestamp from the stack's TSA over the signature. */
  timestamp?: boolean;
  /** Store the CA chain (`.sig` chain annotation): the root certificate of the issuing CA, or of `chainOf`. */
  chain?: boolean;
  chainOf?: MockCA;
  /** Log the entry naming another certificate issued for the same key (same signature bytes). */
  logAnotherCertificate?: boolean;
}

interface Signed {
  key: { publicKey: KeyObject; privateKey: KeyObject };
  certificate: Buffer;
  certificatePem: string;
}

async function issue(stack: SigstoreStack, o: SigningOptions, key = ecKey()): Promise<Signed> {
  const signer = o.signer ?? RELEASE_PIPELINE;
  const issuerExt = signer.legacyIssuer ? { oid: `${FULCIO}.1`, value: signer.issuer, legacy: true } : { oid: `${FULCIO}.8`, value: signer.issuer };
  const certificate = bytes(await (o.ca ?? stack.ca).issueCertificate({
    publicKey: new Uint8Array(spkiOf(key.publicKey)), subjectAltName: signer.identity, extensions: [issuerExt, ...(signer.extensions ?? [])],
  }));
  return { key, certificate, certificatePem: encodePem('CERTIFICATE', certificate) };
}

/**
 * An RFC 3161 timestamp over the signature bytes. The mock TSA (pkijs) writes genTime with the
 * fraction's trailing zeros cut (".41Z" at 410 ms), which @sigstore/core 3.2.1 does not read (it
 * wants three digits or none): one request in ten would then fail for the mock's sake, so such an
 * answer is asked for again.
 */
/** Another certificate for the same key and identity (a second issuance: other serial, other SCT time). */
async function reissue(stack: SigstoreStack, o: SigningOptions, s: Signed): Promise<Signed> {
  for (;;) {
    const again = await issue(stack, o, s.key);
    if (!again.certificate.equals(s.certificate)) return again;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the mock's serial is fixed: wait for a new SCT time
  }
}

async function timestampOver(stack: SigstoreStack, signature: Buffer): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    const der = bytes(await stack.tsa.timestamp({ artifactHash: sha256(signature), hashAlgorithmOID: '2.16.840.1.101.3.4.2.1', nonce: 7, policyOID: '1.2.3.4', certReq: false }));
    if (!/\d{14}\.(\d{1,2})Z/.test(der.toString('latin1')) || attempt === 20) return der;
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

type RekorV1Entry = { body: string; integratedTime: number; logID: string; logIndex: number; verification: { signedEntryTimestamp: string; inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string } } };

async function logV1(tlog: MockTLog, body: object): Promise<RekorV1Entry> {
  const response = await tlog.log(body) as Record<string, RekorV1Entry>;
  return Object.values(response)[0]!;
}

function hashedRekordBody(payload: Buffer, signature: Buffer, verifierPem: string): object {
  return {
    apiVersion: '0.0.1', kind: 'hashedrekord',
    spec: { data: { hash: { algorithm: 'sha256', value: sha256(payload).toString('hex') } }, signature: { content: b64(signature), publicKey: { content: b64(Buffer.from(verifierPem)) } } },
  };
}

/** The cosign `.sig` layer for `payload`, signed keyless. */
export async function signSigLayer(stack: SigstoreStack, payload: Buffer, o: SigningOptions = {}): Promise<SigLayer> {
  const s = await issue(stack, o);
  const signature = sign('sha256', payload, s.key.privateKey);
  const annotations: Record<string, string> = {
    'dev.cosignproject.cosign/signature': b64(signature),
    'dev.sigstore.cosign/certificate': s.certificatePem,
  };
  if (o.chain || o.chainOf) annotations['dev.sigstore.cosign/chain'] = encodePem('CERTIFICATE', bytes((o.chainOf ?? o.ca ?? stack.ca).rootCertificate));
  if (o.tlog !== 'none') {
    const logged = o.logAnotherSignature ? sign('sha256', payload, s.key.privateKey) : signature;
    const loggedPem = o.logAnotherCertificate ? (await reissue(stack, o, s)).certificatePem : s.certificatePem;
    const e = await logV1(o.tlog ?? stack.tlog, hashedRekordBody(payload, logged, loggedPem));
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: e.verification.signedEntryTimestamp,
      Payload: { body: e.body, integratedTime: e.integratedTime, logIndex: e.logIndex, logID: e.logID },
    });
  }
  if (o.timestamp) annotations['dev.sigstore.cosign/rfc3161timestamp'] = JSON.stringify({ SignedRFC3161Timestamp: b64(await timestampOver(stack, signature)) });
  return { payload, annotations };
}

/** cosign's simple-signing payload for an image (what `signSigLayer` signs for `keylessSigLayer`). */
export function imagePayload(digest: Digest, dockerReference: string): Buffer {
  return Buffer.from(buildPayload({ dockerReference, manifestDigest: digest }));
}

export async function keylessSigLayer(stack: SigstoreStack, digest: Digest, dockerReference: string, o: SigningOptions = {}): Promise<SigLayer> {
  return signSigLayer(stack, imagePayload(digest, dockerReference), o);
}

/** The in-toto statement cosign v3 signs for an image. */
export function cosignStatement(digest: Digest, repository: string, predicateType = COSIGN_SIGN_PREDICATE): Buffer {
  return Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: repository, digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType,
    predicate: {},
  }));
}

export interface BundleOptions extends SigningOptions {
  /** Rekor v1 (SET and inclusion proof, the default) or Rekor v2 (inclusion proof only; needs a timestamp). */
  rekor?: 'v1' | 'v2';
  /** Sign with this key instead of a certificate (a cosign v3 `sign --key` bundle, with its log entry). */
  key?: { publicKey: KeyObject; privateKey: KeyObject };
}

/** A Sigstore bundle v0.3 (DSSE over `statement`), signed keyless, as cosign v3 stores it. */
export async function signBundle(stack: SigstoreStack, statement: Buffer, o: BundleOptions = {}): Promise<Record<string, unknown>> {
  const s: Signed = o.key
    ? { key: o.key, certificate: Buffer.alloc(0), certificatePem: encodePem('PUBLIC KEY', spkiOf(o.key.publicKey)) }
    : await issue(stack, o);
  const payloadType = 'application/vnd.in-toto+json';
  const signature = sign('sha256', dsse.preAuthEncoding(payloadType, statement), s.key.privateKey);
  const envelope = { payload: b64(statement), payloadType, signatures: [{ sig: b64(signature), keyid: '' }] };
  const logged = o.logAnotherSignature ? sign('sha256', dsse.preAuthEncoding(payloadType, statement), s.key.privateKey) : signature;
  const tlogEntries: unknown[] = [];
  const tlog = o.tlog ?? stack.tlog;
  if (tlog !== 'none' && (o.rekor ?? 'v1') === 'v1') {
    const e = await logV1(tlog, {
      apiVersion: '0.0.1', kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(JSON.stringify(envelope)).toString('hex') },
        payloadHash: { algorithm: 'sha256', value: sha256(statement).toString('hex') },
        signatures: [{ signature: b64(logged), verifier: b64(Buffer.from(s.certificatePem)) }],
      },
    });
    const p = e.verification.inclusionProof;
    tlogEntries.push({
      logIndex: String(e.logIndex), logId: { keyId: b64(Buffer.from(e.logID, 'hex')) }, kindVersion: { kind: 'dsse', version: '0.0.1' },
      integratedTime: String(e.integratedTime), inclusionPromise: { signedEntryTimestamp: e.verification.signedEntryTimestamp },
      inclusionProof: { logIndex: String(p.logIndex), rootHash: b64(Buffer.from(p.rootHash, 'hex')), treeSize: String(p.treeSize), hashes: p.hashes, checkpoint: { envelope: p.checkpoint } },
      canonicalizedBody: e.body,
    });
  } else if (tlog !== 'none') {
    // Rekor v2: the body is an Entry (dsse 0.0.2); the mock log proves its inclusion with a signed checkpoint, no SET.
    const body = RekorV2Entry.toJSON({ kind: 'dsse', apiVersion: '0.0.2', spec: { spec: { $case: 'dsseV002', dsseV002: {
      payloadHash: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(statement) },
      signatures: [{ content: logged, verifier: { verifier: o.key ? { $case: 'publicKey', publicKey: { rawBytes: spkiOf(o.key.publicKey) } } : { $case: 'x509Certificate', x509Certificate: { rawBytes: s.certificate } }, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 } }],
    } } } });
    const e = await tlog.logV2(body as never);
    tlogEntries.push({
      logIndex: '0', logId: { keyId: b64(e.logId!.keyId) }, kindVersion: { kind: 'dsse', version: '0.0.2' },
      // The mock's proof is for a log of one entry, at index 0 (its logV2 states a random index for
      // the entry and the proof), and its root hash is the one in the checkpoint (logV2 decodes the hex root as base64).
      inclusionProof: { logIndex: '0', rootHash: e.inclusionProof!.checkpoint!.envelope.split('\n')[2]!, treeSize: e.inclusionProof!.treeSize, hashes: [], checkpoint: { envelope: e.inclusionProof!.checkpoint!.envelope } },
      canonicalizedBody: b64(e.canonicalizedBody),
    });
  }
  const verificationMaterial: Record<string, unknown> = o.key ? { publicKey: { hint: '' }, tlogEntries } : { certificate: { rawBytes: b64(s.certificate) }, tlogEntries };
  if (o.timestamp || o.rekor === 'v2') verificationMaterial['timestampVerificationData'] = { rfc3161Timestamps: [{ signedTimestamp: b64(await timestampOver(stack, signature)) }] };
  return { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial, dsseEnvelope: envelope };
}

export async function keylessBundle(stack: SigstoreStack, digest: Digest, repository: string, o: BundleOptions = {}): Promise<Record<string, unknown>> {
  return signBundle(stack, cosignStatement(digest, repository), o);
}

/** A key-signed `.sig` layer with a Rekor entry (cosign v2 `sign --key` with the tlog on), for item 3. */
export async function keySignedSigLayer(stack: SigstoreStack, payload: Buffer, key: { publicKey: KeyObject; privateKey: KeyObject }, o: { tlog?: MockTLog | 'none'; logAnotherSignature?: boolean } = {}): Promise<SigLayer> {
  const signature = sign('sha256', payload, key.privateKey);
  const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': b64(signature) };
  if (o.tlog !== 'none') {
    const logged = o.logAnotherSignature ? sign('sha256', payload, key.privateKey) : signature;
    const e = await logV1(o.tlog ?? stack.tlog, hashedRekordBody(payload, logged, encodePem('PUBLIC KEY', spkiOf(key.publicKey))));
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: e.verification.signedEntryTimestamp,
      Payload: { body: e.body, integratedTime: e.integratedTime, logIndex: e.logIndex, logID: e.logID },
    });
  }
  return { payload, annotations };
}

export { ecKey };

// Sigstore bundles between Signet and the Sigstore project's own JS libraries, in a real
// docker-registry (distribution 2.8, htpasswd: @sigstore/oci's sign-in needs an auth challenge;
// no referrers API, so everything goes through the `sha256-<hex>` fallback index).
//
// One way: images signed by @sigstore/sign + @sigstore/oci with keys (ECDSA P-256, P-384,
// Ed25519, RSA), read back by Signet's registry client and the bundle format's readers: the
// bundle is accepted, its signed bytes are exactly what the Sigstore signer was given, its
// subject is the image; another key is unknown-key; a statement naming another digest is made
// for another image; an SLSA provenance attestation by the trusted key is an attestation, never
// a signature. The other way: buildBundleSignature's output, pushed as cosign v3 lays it out,
// verifies with @sigstore/verify (a Verifier over key trust material, no log, no timestamps),
// its statement binds the digest, and its referrer manifest is compared field by field with the
// one @sigstore/oci wrote for the same image.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { getManifest, pushBlob, pushManifest, pushRandomImage, OCI_INDEX, OCI_MANIFEST } from '../helpers/push.js';
import { attachWithSigstore, cosignStatement, SLSA_PREDICATE } from '../helpers/sigstore-fixtures.js';
import { RegistryClient } from '../../electron/engine/registry/client.js';
import { parseReference } from '../../electron/engine/content/reference.js';
import type { Digest } from '../../electron/engine/content/digest.js';
import { parsePublicKeyPem } from '../../electron/engine/keys/public-key.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import type { TrustedKey } from '../../electron/engine/cosign/verdict.js';
import {
  buildBundleSignature, bundleCandidate, bundleReferrerOf, checkBundle, keyHintOf, MAX_BUNDLE_BYTES, parseReferrersIndex, preAuthEncoding, readBundleEvidence,
  type BundleCheck, type BundleEvidenceRead, type BundleReport,
} from '../../electron/engine/formats/sigstore-bundle/index.js';

const REPO = 'team/app';

interface KeyPair { name: string; privateKey: KeyObject; trusted: TrustedKey }
function keyPair(name: string, pair: { privateKey: KeyObject; publicKey: KeyObject }): KeyPair {
  return { name, privateKey: pair.privateKey, trusted: { name, publicKey: parsePublicKeyPem(pair.publicKey.export({ format: 'pem', type: 'spki' }) as string) } };
}

describe('Sigstore bundles, Signet and the Sigstore libraries, in a real registry', () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  const keys = {
    p256: keyPair('p256', generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
    p384: keyPair('p384', generateKeyPairSync('ec', { namedCurve: 'secp384r1' })),
    ed25519: keyPair('ed25519', generateKeyPairSync('ed25519')),
    rsa: keyPair('rsa', generateKeyPairSync('rsa', { modulusLength: 3072 })),
  };
  const stranger = keyPair('stranger', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
  const hint = (k: KeyPair) => keyHintOf(k.trusted.publicKey.spki);

  before(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    client = new RegistryClient({ credentials: async () => ({ username: reg.username, password: reg.password, source: 'test' }), retryBaseMs: 5 });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  /** What Signet finds for an image: the fallback index, each bundle candidate's manifest and layer, read. */
  async function readBundles(digest: string): Promise<Array<{ manifestDigest: string; read: BundleEvidenceRead }>> {
    const index = await client.getManifestIfExists(parseReference(`${reg.host}/${REPO}:${digest.replace(':', '-')}`));
    assert.ok(index, 'the fallback index exists');
    const list = parseReferrersIndex(index.bytes, index.mediaType);
    assert.ok(list.ok, list.ok ? '' : list.problem.reason);
    const out: Array<{ manifestDigest: string; read: BundleEvidenceRead }> = [];
    for (const d of list.value.manifests) {
      if (bundleCandidate(d) === 'other') continue;
      const m = await client.getManifest(parseReference(`${reg.host}/${REPO}@${d.digest}`));
      const referrer = bundleReferrerOf(m.bytes);
      assert.ok(referrer.ok, referrer.ok ? '' : referrer.problem.reason);
      const bytes = await client.getBlob({ registry: reg.host, repository: REPO }, referrer.value.layer.digest, { expectedSize: referrer.value.layer.size, maxSize: MAX_BUNDLE_BYTES });
      out.push({ manifestDigest: d.digest, read: readBundleEvidence({ manifest: referrer.value, bundleBytes: bytes }) });
    }
    return out;
  }

  const image = (digest: string) => ({ repository: `${reg.host}/${REPO}`, digest: digest as Digest });
  const report = (c: BundleCheck): BundleReport => (c.kind === 'signature' ? c.signature : c.attestation);

  test('bundles the Sigstore libraries made with P-256, P-384, Ed25519 and RSA keys: read, the signed bytes theirs, verified by the trusted key', async () => {
    const { digest } = await pushRandomImage(reg, REPO, 'keys');
    const made = new Map<string, Awaited<ReturnType<typeof attachWithSigstore>>>();
    for (const k of Object.values(keys)) {
      made.set(k.name, await attachWithSigstore(reg, REPO, digest, k.privateKey, cosignStatement([digest], undefined, {}, { signer: k.name }), hint(k), 'https://sigstore.dev/cosign/sign/v1'));
    }
    const found = await readBundles(digest);
    assert.equal(found.length, 4, 'four referrers in the fallback index');
    for (const { manifestDigest, read } of found) {
      assert.ok(read.ok, read.ok ? '' : read.problem.reason);
      const name = read.evidence.statement.subjects[0]!.annotations!.signer as string;
      const theirs = made.get(name)!;
      assert.equal(manifestDigest, theirs.manifestDigest);
      assert.deepEqual(Buffer.from(read.evidence.bundle.signedBytes), theirs.signedBytes, `${name}: the PAE Signet checks is what @sigstore/sign signed`);
      assert.deepEqual(Buffer.from(read.evidence.bundle.signature), theirs.signature);
      assert.equal(read.evidence.kind, 'signature');
      assert.deepEqual(read.evidence.statement.subjects.map((s) => s.sha256), [digest]);
      assert.equal(read.evidence.bundle.keyid, hint(keys[name as keyof typeof keys]), '@sigstore/bundle writes the hint as the DSSE keyid too (ignored)');
      const c = checkBundle(read, image(digest), { keys: Object.values(keys).map((k) => k.trusted) });
      assert.equal(c.kind, 'signature');
      assert.equal(report(c).status, 'verified', report(c).reasons.join(' | '));
      assert.equal(report(c).keyName, name);
      assert.equal(report(c).namesRepository, false, 'cosign-style statements name no repository');
      const other = checkBundle(read, image(digest), { keys: [stranger.trusted] });
      assert.equal(report(other).status, 'unknown-key');
    }
  });

  test('a Sigstore-made bundle whose statement names another digest is made for another image', async () => {
    const { digest } = await pushRandomImage(reg, REPO, 'replayed');
    const { digest: elsewhere } = await pushRandomImage(reg, REPO, 'elsewhere');
    await attachWithSigstore(reg, REPO, digest, keys.p256.privateKey, cosignStatement([elsewhere]), hint(keys.p256), 'https://sigstore.dev/cosign/sign/v1');
    const [only] = await readBundles(digest);
    assert.ok(only?.read.ok);
    const r = report(checkBundle(only.read, image(digest), { keys: [keys.p256.trusted] }));
    assert.equal(r.status, 'invalid');
    assert.match(r.reasons.at(-1)!, new RegExp(`made for another image: the statement names ${elsewhere}`));
  });

  test('an SLSA provenance attestation made with the Sigstore libraries by the trusted key is an attestation, never a signature', async () => {
    const { digest } = await pushRandomImage(reg, REPO, 'attested');
    const provenance = { buildDefinition: { buildType: 'https://example.com/build@v1', externalParameters: {} }, runDetails: { builder: { id: 'https://example.com/builder' } } };
    await attachWithSigstore(reg, REPO, digest, keys.p256.privateKey, cosignStatement([digest], SLSA_PREDICATE, provenance), hint(keys.p256), SLSA_PREDICATE);
    const [only] = await readBundles(digest);
    assert.ok(only?.read.ok);
    assert.equal(only.read.evidence.kind, 'attestation');
    const c = checkBundle(only.read, image(digest), { keys: [keys.p256.trusted] });
    assert.equal(c.kind, 'attestation');
    assert.equal(report(c).predicateType, SLSA_PREDICATE);
    assert.equal(report(c).keyName, 'p256', 'listed with who made it');
  });

  test('Signet\'s bundle signature, pushed in the cosign v3 layout, verifies with @sigstore/verify and binds the digest; its manifest matches @sigstore/oci\'s but for two fields', async () => {
    const { digest, manifest: imageManifest } = await pushRandomImage(reg, REPO, 'signet');
    // The Sigstore libraries' referrer for the same image, to compare with.
    const theirs = await attachWithSigstore(reg, REPO, digest, keys.p256.privateKey, cosignStatement([digest]), hint(keys.p256), 'https://sigstore.dev/cosign/sign/v1');
    for (const alg of ['ed25519', 'ecdsa-p256'] as const) {
      const priv = generatePrivateKey(alg);
      const ours = await buildBundleSignature({ signer: signerFromPrivateKey(priv), subject: { digest: digest as Digest, mediaType: OCI_MANIFEST, size: imageManifest.length }, repository: `${reg.host}/${REPO}`, annotations: { env: 'prod' } });
      // Pushed as cosign lays it out: blobs, the manifest by digest, the descriptor appended to the fallback index.
      await pushBlob(reg, REPO, ours.config);
      await pushBlob(reg, REPO, ours.bundle);
      assert.equal(await pushManifest(reg, REPO, ours.manifestDigest, ours.manifest, OCI_MANIFEST), ours.manifestDigest);
      const tag = digest.replace(':', '-');
      const index = JSON.parse((await getManifest(reg, REPO, tag)).body.toString()) as { manifests: unknown[] };
      index.manifests.push(ours.indexDescriptor);
      await pushManifest(reg, REPO, tag, JSON.stringify(index), OCI_INDEX);

      // @sigstore/verify, over the bytes the registry serves back.
      const fromRegistry = Buffer.from(await client.getBlob({ registry: reg.host, repository: REPO }, ours.bundleDescriptor.digest, { expectedSize: ours.bundleDescriptor.size }));
      const bundle = bundleFromJSON(JSON.parse(fromRegistry.toString()));
      const publicKey = createPublicKey({ key: Buffer.from(priv.publicKey.spki), format: 'der', type: 'spki' });
      const trust = toTrustMaterial({ mediaType: '', tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] }, (h: string) => {
        assert.equal(h, keyHintOf(priv.publicKey.spki), 'the verifier is asked for the key by the hint Signet wrote');
        return { publicKey, validFor: () => true };
      });
      const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
      assert.doesNotThrow(() => verifier.verify(toSignedEntity(bundle)), `${alg}: @sigstore/verify accepts it`);
      const otherKey = createPublicKey({ key: Buffer.from(generatePrivateKey(alg).publicKey.spki), format: 'der', type: 'spki' });
      const wrong = new Verifier(toTrustMaterial({ mediaType: '', tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] }, () => ({ publicKey: otherKey, validFor: () => true })), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
      assert.throws(() => wrong.verify(toSignedEntity(bundle)), /signature verification failed/, 'and refuses it for another key');
      // What @sigstore/verify checked is the PAE of a statement that binds this digest.
      assert.equal(bundle.content.$case, 'dsseEnvelope');
      const envelope = (bundle.content as { dsseEnvelope: { payload: Buffer; payloadType: string } }).dsseEnvelope;
      assert.deepEqual(Buffer.from(preAuthEncoding(envelope.payloadType, envelope.payload)), Buffer.concat([Buffer.from(`DSSEv1 28 application/vnd.in-toto+json ${envelope.payload.length} `), envelope.payload]));
      const statement = JSON.parse(envelope.payload.toString()) as { subject: Array<{ name: string; digest: { sha256: string }; annotations: object }> };
      assert.deepEqual(statement.subject, [{ name: `${reg.host}/${REPO}`, digest: { sha256: digest.slice(7) }, annotations: { env: 'prod' } }]);
    }

    // Signet reads all three back from the fallback index; each verifies with its own key only.
    const found = await readBundles(digest);
    assert.equal(found.length, 3);
    assert.ok(found.every((f) => f.read.ok));

    // Field by field against what @sigstore/oci wrote for the same image.
    const sigstoreManifest = JSON.parse((await getManifest(reg, REPO, theirs.manifestDigest)).body.toString()) as Record<string, any>;
    const ours = await buildBundleSignature({ signer: signerFromPrivateKey(generatePrivateKey('ecdsa-p256')), subject: { digest: digest as Digest, mediaType: OCI_MANIFEST, size: imageManifest.length }, repository: `${reg.host}/${REPO}` });
    const signetManifest = JSON.parse(Buffer.from(ours.manifest).toString()) as Record<string, any>;
    assert.deepEqual(Object.keys(signetManifest).sort(), Object.keys(sigstoreManifest).sort(), 'the same top-level fields');
    for (const field of ['schemaVersion', 'mediaType', 'artifactType', 'subject']) assert.deepEqual(signetManifest[field], sigstoreManifest[field], field);
    assert.deepEqual(signetManifest.layers.map((l: any) => ({ ...l, digest: 'x', size: 0 })), sigstoreManifest.layers.map((l: any) => ({ ...l, digest: 'x', size: 0 })), 'one bundle layer of the same media type');
    // Difference 1: cosign (write.go WriteReferrer) also puts the artifactType on the config descriptor; @sigstore/oci does not.
    assert.deepEqual({ ...signetManifest.config, artifactType: undefined }, { ...sigstoreManifest.config, artifactType: undefined });
    assert.equal(signetManifest.config.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.equal(sigstoreManifest.config.artifactType, undefined);
    // Difference 2: the created annotation: Go's RFC 3339 in seconds (cosign) against JavaScript's toISOString with milliseconds.
    const created = 'org.opencontainers.image.created';
    assert.deepEqual({ ...signetManifest.annotations, [created]: undefined }, { ...sigstoreManifest.annotations, [created]: undefined });
    assert.match(signetManifest.annotations[created], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(sigstoreManifest.annotations[created], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The fallback index entries: the same fields (mediaType, digest, size, artifactType, the manifest's annotations).
    const index = JSON.parse((await getManifest(reg, REPO, digest.replace(':', '-'))).body.toString()) as { manifests: Array<Record<string, unknown>> };
    const sigstoreEntry = index.manifests.find((m) => m.digest === theirs.manifestDigest)!;
    assert.deepEqual(Object.keys(ours.indexDescriptor).sort(), Object.keys(sigstoreEntry).sort());
    assert.equal(sigstoreEntry.artifactType, ours.indexDescriptor.artifactType);
  });
});

// Property tests for files Signet reads from outside: `docker save` tar archives, OCI layout
// `index.json`, and docker/podman `config.json`/`auth.json`. Each case writes the (arbitrary or
// mutated) file and reads it through the real source or credential code, which may only succeed
// or throw a typed SignetError, within 5 s. And the verdict invariant over hostile index.json
// name tables: a layout name verifies only when every entry of it is the signed image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { DockerArchiveSource } from '../../electron/engine/sources/docker-archive.js';
import { OciLayoutSource } from '../../electron/engine/sources/oci-layout.js';
import { resolveCredential } from '../../electron/engine/registry/credentials.js';
import { verifyLocal } from '../../electron/engine/local.js';
import { buildPayload } from '../../electron/engine/cosign/payload.js';
import { newSignatureLayer, signatureTag } from '../../electron/engine/cosign/signature-manifest.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { signerFromPrivateKey } from '../../electron/engine/keys/signer.js';
import type { Digest } from '../../electron/engine/content/digest.js';
import type { RegistryClient } from '../../electron/engine/registry/client.js';
import { makeTempDir, removeTempDir } from '../helpers/tmp.js';
import { randomLayer, writeArchive } from '../helpers/archive.js';
import { nameImage, writeImage, writeIndexImage, type Desc } from '../helpers/layout.js';
import { RUNS, edits, mutate, onlySignetErrorsAsync, params } from './fuzz.js';

let dir: string;
let archives: Buffer[];
let indexes: Buffer[];
before(async () => {
  dir = await makeTempDir('signet-fuzz-');
  archives = [];
  for (const [i, spec] of [[{ tags: ['127.0.0.1:5000/a/b:v1'], layers: [randomLayer(100)] }], [{ tags: ['x/y:1'], layers: [randomLayer(10), randomLayer(20)], viaSymlink: true }], [{ tags: [], layers: [randomLayer(5)] }, { tags: ['z:latest'], layers: [] }]].entries()) {
    await writeArchive(join(dir, `seed${i}.tar`), spec);
    archives.push(readFileSync(join(dir, `seed${i}.tar`)));
  }
  const layout = join(dir, 'layout');
  nameImage(layout, 'app:v1', writeImage(layout));
  nameImage(layout, 'multi', writeIndexImage(layout));
  nameImage(layout, '127.0.0.1:5000/a/b:v2', writeImage(layout, { layers: 2 }));
  indexes = [readFileSync(join(layout, 'index.json'))];
});
after(async () => { await removeTempDir(dir); });

test('docker archives: arbitrary and mutated tarballs list, resolve and stream, or give a typed error', async () => {
  const file = join(dir, 'case.tar');
  const input = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)) },
    { weight: 6, arbitrary: fc.tuple(fc.nat({ max: 2 }), edits).map(([i, e]) => mutate(archives[i]!, e)) },
  );
  await fc.assert(fc.asyncProperty(input, async (bytes) => {
    writeFileSync(file, bytes);
    await onlySignetErrorsAsync(async () => {
      const src = new DockerArchiveSource(file);
      const images = await src.list();
      for (const img of images) {
        const m = await src.resolve(images.length > 1 ? img.name : undefined);
        const doc = JSON.parse(Buffer.from(m.bytes).toString()) as { config: { digest: string; size: number }; layers: Array<{ digest: string; size: number }> };
        for (const d of [doc.config, ...doc.layers]) await buffer(await src.blob(d.digest as `sha256:${string}`, d.size));
      }
      await src.close();
    });
  }), params());
});

test('OCI layout index.json: arbitrary and mutated indexes list and resolve, or give a typed error', async () => {
  const layout = join(dir, 'layout');
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.tuple(fc.constantFrom(...indexes), edits).map(([b, e]) => mutate(b, e)),
  );
  await fc.assert(fc.asyncProperty(input, async (bytes) => {
    writeFileSync(join(layout, 'index.json'), bytes);
    await onlySignetErrorsAsync(async () => {
      const src = new OciLayoutSource(layout);
      for (const img of await src.list()) await src.resolve(img.name);
      if (src.signatures) await src.signatures().read(`sha256:${'a'.repeat(64)}`);
    });
  }), params());
  writeFileSync(join(layout, 'index.json'), indexes[0]!);
});

test('OCI layout names: for any index.json name table, a name verifies only if every entry of it is the signed image and every entry of its signature name the real signature', async () => {
  // One signed image S (its signature manifest R), an unsigned image U, and another signature
  // manifest F for S signed by an untrusted key; index.json entries give names to any of them.
  const layout = join(dir, 'names');
  const S = writeImage(layout);
  const U = writeImage(layout);
  const REPO = '127.0.0.1:5000/team/app';
  const trusted = generatePrivateKey('ecdsa-p256');
  const untrusted = generatePrivateKey('ecdsa-p256');
  const signWith = async (key: typeof trusted, scratch: string): Promise<Desc> => {
    const store = new OciLayoutSource(join(dir, scratch));
    nameImage(store.dir, 'x', S);
    const payload = buildPayload({ dockerReference: `${REPO}:v1`, manifestDigest: S.digest as Digest, creator: 'fuzz', timestamp: 1 });
    await store.signatures().append(S.digest as Digest, payload, newSignatureLayer(payload, Buffer.from(await signerFromPrivateKey(key).sign(payload))));
    const entry = (await store.readIndex()).manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === signatureTag(S.digest as Digest))!;
    // The signature manifest and its blobs into the layout under test.
    cpSync(join(store.dir, 'blobs'), join(layout, 'blobs'), { recursive: true });
    return entry as Desc;
  };
  const R = await signWith(trusted, 'scratch-trusted');
  const F = await signWith(untrusted, 'scratch-untrusted');
  const sigName = signatureTag(S.digest as Digest);
  const targets: Record<string, Desc> = { S, U, R, F };
  const entry = fc.record({ name: fc.constantFrom('v1', 'v2', sigName, signatureTag(U.digest as Digest), undefined), target: fc.constantFrom('S', 'U', 'R', 'F') });
  const policy = { keys: [{ name: 'trusted', publicKey: trusted.publicKey }] };
  const noRegistry = undefined as unknown as RegistryClient; // layouts are verified in place
  await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 6 }), async (entries) => {
    const manifests = entries.map((e) => {
      const d = targets[e.target]!;
      return { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(e.name !== undefined ? { annotations: { 'org.opencontainers.image.ref.name': e.name } } : {}) };
    });
    writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
    const r = await verifyLocal(noRegistry, { kind: 'oci-layout', input: `oci:${layout}:v1`, dir: layout, name: 'v1' }, policy, { identity: REPO });
    const named = (n: string) => entries.filter((e) => e.name === n).map((e) => e.target);
    const v1 = named('v1');
    const sigs = named(sigName);
    const soundly = v1.length > 0 && v1.every((t) => t === 'S') && sigs.length > 0 && sigs.every((t) => t === 'R');
    assert.equal(r.verdict === 'verified', soundly, `${JSON.stringify(entries)} → ${r.verdict}: ${r.message}`);
    if (new Set(v1).size > 1) assert.equal(r.verdict, 'error', 'a name of two manifests is could-not-check');
  }), params(Math.ceil(RUNS / 5)));
});

const authEntry = fc.record({
  auth: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }).map((s) => Buffer.from(s).toString('base64')), fc.integer()), { nil: undefined }),
  username: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { nil: undefined }),
  password: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  identitytoken: fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.boolean()), { nil: undefined }),
  registrytoken: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
}, { requiredKeys: [] });
const hostKey = fc.constantFrom('127.0.0.1:5000', 'http://127.0.0.1:5000', 'https://127.0.0.1:5000/v1/', '127.0.0.1:5000/ns/repo', 'HTTPS://127.0.0.1:5000', 'docker.io', 'other:1', '');
const config = fc.record({
  auths: fc.option(fc.oneof(fc.dictionary(hostKey, fc.oneof(authEntry, fc.jsonValue())), fc.jsonValue()), { nil: undefined }),
  credHelpers: fc.option(fc.oneof(fc.dictionary(hostKey, fc.oneof(fc.constantFrom('pass', 'secretservice', ''), fc.jsonValue())), fc.jsonValue()), { nil: undefined }),
  credsStore: fc.option(fc.oneof(fc.constantFrom('desktop', ''), fc.jsonValue()), { nil: undefined }),
}, { requiredKeys: [] }).map((c) => Buffer.from(JSON.stringify(c)));

test('docker config.json / auth.json: arbitrary, generated and mutated files give a credential, none, or CREDENTIALS_ERROR', async () => {
  const file = join(dir, 'config.json');
  const helperOut = fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.record({ Username: fc.string({ maxLength: 6 }), Secret: fc.string({ maxLength: 6 }) }).map((v) => JSON.stringify(v)), fc.constant('!throw'));
  const input = fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), config, fc.tuple(config, edits).map(([b, e]) => mutate(b, e)));
  await fc.assert(fc.asyncProperty(input, helperOut, async (bytes, out) => {
    writeFileSync(file, bytes);
    const cred = await onlySignetErrorsAsync(() => resolveCredential('127.0.0.1:5000', {
      dockerConfigPath: file,
      authJsonPaths: [],
      env: {},
      runHelper: async () => { if (out === '!throw') throw new Error('credentials not found in native keychain'); return out; },
    }), ['CREDENTIALS_ERROR']);
    if (cred) {
      assert.equal(typeof cred.source, 'string');
      assert.ok(cred.password !== undefined || cred.identityToken !== undefined || cred.registryToken !== undefined, 'a credential carries a secret');
    }
  }), params());
});

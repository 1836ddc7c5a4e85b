// Property tests for files Signet reads from outside: `docker save` tar archives, OCI layout
// `index.json`, and docker/podman `config.json`/`auth.json`. Each case writes the (arbitrary or
// mutated) file and reads it through the real source or credential code, which may only succeed
// or throw a typed SignetError, within 5 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { DockerArchiveSource } from '../../electron/engine/sources/docker-archive.js';
import { OciLayoutSource } from '../../electron/engine/sources/oci-layout.js';
import { resolveCredential } from '../../electron/engine/registry/credentials.js';
import { makeTempDir, removeTempDir } from '../helpers/tmp.js';
import { randomLayer, writeArchive } from '../helpers/archive.js';
import { nameImage, writeImage, writeIndexImage } from '../helpers/layout.js';
import { edits, mutate, onlySignetErrorsAsync, params } from './fuzz.js';

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

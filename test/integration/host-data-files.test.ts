// The hosts' own data files under hostile conditions, as data-files.test.ts does for keys.json and
// trust.json: a truncated or corrupt sources.json or registries.json is reported (DATA_CORRUPT, by
// the store and through dispatch), moved aside byte for byte to <name>.corrupt-<time>, and never
// silently replaced: the write that found it corrupt fails too, and only a later write starts a
// new file beside the kept one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryStore, SourceStore } from '../../electron/host/host-stores.js';
import { dispatch } from '../../electron/host/api-handlers.js';
import { SignetError } from '../../electron/engine/errors.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { asideFiles, byteCorruptions } from '../helpers/data-corruption.js';

type Name = 'sources.json' | 'registries.json';

async function validFile(name: Name): Promise<Buffer> {
  const dir = await makeTempDir();
  if (name === 'sources.json') {
    const s = new SourceStore(dir);
    await s.add('oci', '/tmp/layout');
    await s.add('registry', '127.0.0.1:5000/team/app');
    return readFileSync(s.path);
  }
  const r = new RegistryStore(dir, new MemoryBackend());
  await r.add({ host: 'registry.example', auth: 'keychain', username: 'u' }, 'p');
  await r.add({ host: '127.0.0.1:5000', auth: 'none' });
  return readFileSync(r.path);
}

/** Edits the first entry of the list in a valid file (JSON in, JSON out). */
function editFirst(valid: Buffer, list: string, edit: (e: Record<string, unknown>) => void): Buffer {
  const doc = JSON.parse(valid.toString()) as Record<string, Array<Record<string, unknown>>>;
  edit(doc[list]![0]!);
  return Buffer.from(JSON.stringify(doc, null, 2));
}

function corruptions(name: Name, valid: Buffer): Array<{ how: string; bytes: Buffer }> {
  const list = name === 'sources.json' ? 'sources' : 'registries';
  const common = [
    ...byteCorruptions(valid),
    { how: 'not JSON', bytes: Buffer.from('sources:\n  - oci /tmp/layout\n') },
    { how: 'a JSON list, not an object', bytes: Buffer.from('[]') },
    { how: `no "${list}" list`, bytes: Buffer.from('{"version":1}') },
    { how: `"${list}" of the wrong type`, bytes: Buffer.from(`{"version":1,"${list}":{}}`) },
    { how: 'an entry that is not an object', bytes: Buffer.from(`{"version":1,"${list}":["x"]}`) },
  ];
  const typed = name === 'sources.json'
    ? [
      { how: 'an id that is a number', bytes: editFirst(valid, list, (e) => { e.id = 5; }) },
      { how: 'a kind that is a number', bytes: editFirst(valid, list, (e) => { e.kind = 7; }) },
      { how: 'an unknown kind', bytes: editFirst(valid, list, (e) => { e.kind = 'ftp'; }) },
      { how: 'a missing id', bytes: editFirst(valid, list, (e) => { delete e.id; }) },
    ]
    : [
      { how: 'a host that is a list', bytes: editFirst(valid, list, (e) => { e.host = ['x']; }) },
      { how: 'an auth that is a number', bytes: editFirst(valid, list, (e) => { e.auth = 5; }) },
      { how: 'an unknown auth', bytes: editFirst(valid, list, (e) => { e.auth = 'basic'; }) },
      { how: 'a username that is a number', bytes: editFirst(valid, list, (e) => { e.username = 3; }) },
    ];
  return [...common, ...typed];
}

function isCorrupt(path: string, what: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof SignetError, `${what}: ${String(e)}`);
    assert.equal(e.code, 'DATA_CORRUPT', `${what}: ${e.message}`);
    assert.ok(e.message.includes(path) && /moved aside/.test(e.message), e.message);
    return true;
  };
}

/** Checks the file was moved aside once, byte for byte, and nothing took its place. */
function assertMovedAside(dir: string, name: Name, before: Buffer, what: string): string {
  const aside = asideFiles(dir, name);
  assert.equal(aside.length, 1, `${what}: moved aside once`);
  assert.match(aside[0]!, new RegExp(`^${name.replace('.', '\\.')}\\.corrupt-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`));
  assert.deepEqual(readFileSync(join(dir, aside[0]!)), before, `${what}: the corrupt bytes are kept as they were`);
  assert.equal(existsSync(join(dir, name)), false, `${what}: nothing was written in its place`);
  return aside[0]!;
}

const list = (name: Name, dir: string) => (name === 'sources.json' ? new SourceStore(dir).list() : new RegistryStore(dir, new MemoryBackend()).list());
const add = (name: Name, dir: string) => (name === 'sources.json'
  ? new SourceStore(dir).add('engine', '')
  : new RegistryStore(dir, new MemoryBackend()).add({ host: 'new.example', auth: 'none' }));

test('a truncated or corrupt sources.json / registries.json is reported, moved aside byte for byte, never silently replaced', async () => {
  let cases = 0;
  for (const name of ['sources.json', 'registries.json'] as const) {
    const valid = await validFile(name);
    for (const c of corruptions(name, valid)) {
      const what = `${name} ${c.how}`;
      // Reading reports it and moves it aside.
      let dir = await makeTempDir();
      let path = join(dir, name);
      writeFileSync(path, c.bytes);
      const before = readFileSync(path);
      await assert.rejects(list(name, dir), isCorrupt(path, what), what);
      assertMovedAside(dir, name, before, what);

      // A write that finds it corrupt fails too, rather than writing a fresh file over the data;
      // only the next write starts a new file, beside the kept one.
      dir = await makeTempDir();
      path = join(dir, name);
      writeFileSync(path, c.bytes);
      await assert.rejects(add(name, dir), isCorrupt(path, `${what} (add)`), `${what} (add)`);
      const aside = assertMovedAside(dir, name, before, `${what} (add)`);
      await add(name, dir);
      assert.equal((await list(name, dir)).length, 1, `${what}: the new file holds only the new entry`);
      assert.deepEqual(asideFiles(dir, name), [aside], `${what}: the moved-aside file is still there`);
      assert.deepEqual(readFileSync(join(dir, aside)), before);
      cases++;
    }
  }
  console.log(`host data files: ${cases} corruption cases, each read and written`);
});

test('through dispatch, a corrupt sources.json / registries.json answers DATA_CORRUPT, not an empty list', async () => {
  for (const [name, op] of [['sources.json', 'sources.list'], ['registries.json', 'registries.list']] as const) {
    const dir = await makeTempDir();
    const path = join(dir, name);
    writeFileSync(path, '{"version":1,"');
    const r = await dispatch(op, {}, { dataDir: dir, progress: () => undefined, keyBackend: new MemoryBackend(), registryBackend: new MemoryBackend() });
    assert.equal(r.ok, false, `${op}: ${JSON.stringify(r)}`);
    if (!r.ok) {
      assert.equal(r.error.code, 'DATA_CORRUPT');
      assert.match(r.error.message, /moved aside/);
    }
    assert.deepEqual(readFileSync(join(dir, asideFiles(dir, name)[0]!)).toString(), '{"version":1,"');
    assert.equal(existsSync(path), false);
  }
});

// Found by this file: parseSources / parseRegistries once ignored "version" (a future file was read
// as version 1) and read a non-string "location" as ''.
test('a future-version or wrongly typed location is reported too', async () => {
  for (const name of ['sources.json', 'registries.json'] as const) {
    const valid = await validFile(name);
    const bad: Array<{ how: string; bytes: Buffer }> = [{ how: 'a future version', bytes: Buffer.from(valid.toString().replace('"version": 1', '"version": 2')) }];
    if (name === 'sources.json') bad.push({ how: 'a location that is a number', bytes: editFirst(valid, 'sources', (e) => { e.location = 5; }) });
    for (const c of bad) {
      const dir = await makeTempDir();
      const path = join(dir, name);
      writeFileSync(path, c.bytes);
      await assert.rejects(list(name, dir), isCorrupt(path, `${name} ${c.how}`), `${name} ${c.how}`);
      assertMovedAside(dir, name, c.bytes, `${name} ${c.how}`);
    }
  }
});

test('a damaged registries.json is reported when credentials are looked up, not skipped for the docker login', async () => {
  const dir = await makeTempDir();
  writeFileSync(join(dir, 'registries.json'), '{"version":1,"registries":[{"host":');
  const store = new RegistryStore(dir, new MemoryBackend());
  await assert.rejects(store.credential('127.0.0.1:5000'), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT');
});

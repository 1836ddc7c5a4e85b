import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { readJsonFile, resolveDataDir, writeJsonAtomic } from '../../../electron/engine/data-dir.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

test('SIGNET_HOME wins, then XDG_CONFIG_HOME/signet, then ~/.config/signet', () => {
  assert.equal(resolveDataDir({ SIGNET_HOME: '/x' }), '/x');
  assert.equal(resolveDataDir({ XDG_CONFIG_HOME: '/c' }), '/c/signet');
  assert.equal(resolveDataDir({}), join(homedir(), '.config', 'signet'));
});

test('atomic JSON writes replace the whole file and leave no temp file', async () => {
  const dir = await makeTempDir();
  const p = join(dir, 'sub', 'f.json');
  await writeJsonAtomic(p, { a: 1 });
  await writeJsonAtomic(p, { a: 2 });
  assert.deepEqual(JSON.parse(await readFile(p, 'utf8')), { a: 2 });
  assert.deepEqual(await readdir(join(dir, 'sub')), ['f.json']);
});

test('a missing file is empty; a corrupt one is moved aside with DATA_CORRUPT', async () => {
  const dir = await makeTempDir();
  const p = join(dir, 'f.json');
  const parse = (d: unknown) => { if (!Array.isArray(d)) throw new Error('not a list'); return d; };
  assert.deepEqual(await readJsonFile(p, parse, () => []), []);
  await writeFile(p, '{not json');
  await assert.rejects(readJsonFile(p, parse, () => []), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT' && /not valid JSON/.test(e.message));
  const files = await readdir(dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^f\.json\.corrupt-\d{4}-/);
  assert.equal(await readFile(join(dir, files[0]!), 'utf8'), '{not json', 'the corrupt content is kept as it was');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditLog, type AuditEntry } from '../../../electron/engine/audit/audit-log.js';
import { parseAuditLog } from '../../../electron/engine/audit/audit-lines.js';
import type { SignResult } from '../../../electron/engine/sign.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { asideFiles } from '../../helpers/data-corruption.js';

const key = { id: '0123456789abcdef', name: 'alice', fingerprint: 'SHA256:ab', source: 'keychain' as const };

function result(): SignResult {
  const digest = `sha256:${'a'.repeat(64)}` as SignResult['digest'];
  return {
    image: 'r.example/team/app:1', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', identity: 'r.example/team/app:1',
    signatures: [{ digest, mediaType: 'x', location: `r.example/team/app:sha256-${'a'.repeat(64)}.sig`, attempts: 2, alreadyPresent: false,
      readBack: { image: 'x', verdict: 'verified', message: 'verified by alice', signers: ['alice'], signatures: [] } }],
  };
}

function entry(image: string): AuditEntry {
  return { time: '2026-01-01T00:00:00.000Z', user: 't', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image, annotations: {} };
}

const line = (e: object) => `${JSON.stringify(e)}\n`;

test('each signing is one JSON line with an id, who, key, image, digest, annotations and the registry answer', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await log.recordSigned(key, { env: 'prod' }, result(), new Date('2026-01-01T00:00:00Z'));
  await log.recordFailed(key, 'r.example/team/app:2', {}, new Error('boom'));
  const lines = (await readFile(log.path, 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!);
  assert.equal(first.time, '2026-01-01T00:00:00.000Z');
  assert.equal(typeof first.user, 'string');
  assert.deepEqual(first.key, key);
  assert.equal(first.digest, `sha256:${'a'.repeat(64)}`);
  assert.deepEqual(first.annotations, { env: 'prod' });
  assert.deepEqual(first.registry[0], { digest: first.digest, location: `r.example/team/app:sha256-${'a'.repeat(64)}.sig`, attempts: 2, alreadyPresent: false, readBack: 'verified by alice' });
  assert.match(first.id, /^[0-9a-f]{16}$/);
  assert.notEqual(JSON.parse(lines[1]!).id, first.id);
  assert.equal(JSON.parse(lines[1]!).outcome, 'failed');
  const { entries, damage } = await log.read();
  assert.equal(entries.length, 2);
  assert.equal(damage, undefined);
});

test('a line is damaged when it is not UTF-8, not JSON, or not the shape of an entry; empty lines are not', () => {
  const good = line(entry('good'));
  // Valid JSON around a byte that is not UTF-8: a lenient decoder would turn it into U+FFFD and
  // let it through.
  const notUtf8 = Buffer.concat([Buffer.from('{"time":"2026","user":"t","outcome":"signed","key":{"name":"k","fingerprint":"f","source":"file"},"image":"a'), Buffer.from([0xff]), Buffer.from('","annotations":{}}\n')]);
  const damagedCases: Array<[string, Buffer | string]> = [
    ['not UTF-8', notUtf8],
    ['not JSON', 'garbage\n'],
    ['a torn line', good.slice(0, 40) + '\n'],
    ['not an object', '[1,2]\n'],
    ['no key', line({ ...entry('x'), key: undefined })],
    ['an unknown outcome', line({ ...entry('x'), outcome: 'maybe' })],
    ['an annotation that is not a string', line({ ...entry('x'), annotations: { a: 1 } })],
    ['a registry answer without attempts', line({ ...entry('x'), registry: [{ digest: 'd', location: 'l', readBack: 'r', alreadyPresent: false }] })],
    ['a recovery without line numbers', line({ time: 't', user: 'u', outcome: 'recovered', movedTo: 'x', copied: 0 })],
  ];
  for (const [how, bad] of damagedCases) {
    const parsed = parseAuditLog(Buffer.concat([Buffer.from(good), Buffer.from(bad), Buffer.from('\n  \n'), Buffer.from(good)]));
    assert.deepEqual(parsed.damaged, [2], how);
    assert.equal(parsed.records.length, 2, how);
    assert.deepEqual(parsed.intactLines, [good.trimEnd(), good.trimEnd()], how);
    assert.equal(parsed.lastLineTorn, false, how);
  }
  const torn = parseAuditLog(Buffer.from(good + good.slice(0, 30)));
  assert.deepEqual([torn.damaged, torn.lastLineTorn], [[2], true]);
  const unterminatedButWhole = parseAuditLog(Buffer.from(good + good.trimEnd()));
  assert.deepEqual([unterminatedButWhole.damaged, unterminatedButWhole.lastLineTorn], [[], false]);
});

test('a damaged log is moved aside unchanged; the new log starts with a recovery note, then every intact line as stored', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await log.append(entry('one'));
  await appendFile(log.path, 'not json at all\n');
  await log.append(entry('two'));
  await appendFile(log.path, '{"time": "trunc'); // a torn last line
  const before = await readFile(log.path);
  const intactBefore = before.toString('utf8').split('\n').filter((l) => l.startsWith('{"time":"2026'));

  const { entries, damage } = await log.read();
  assert.ok(damage?.movedTo, 'moved aside');
  assert.deepEqual(damage.lines, [2, 4]);
  assert.match(damage.message, /damaged at lines 2, 4, so it was moved aside, unchanged, to .*audit\.log\.corrupt-.*; a new log was started with its 2 intact entries\./);
  assert.ok(damage.message.includes(damage.movedTo));
  assert.deepEqual(await readFile(damage.movedTo), before, 'the damaged bytes are kept as they were');
  assert.deepEqual(asideFiles(dir, 'audit.log'), [damage.movedTo.slice(dir.length + 1)]);

  const after = (await readFile(log.path, 'utf8')).split('\n');
  const recovery = JSON.parse(after[0]!);
  assert.deepEqual({ ...recovery, time: 0, user: 0 }, { time: 0, user: 0, outcome: 'recovered', movedTo: asideFiles(dir, 'audit.log')[0], damagedLines: [2, 4], copied: 2 });
  assert.deepEqual(after.slice(1), [...intactBefore, ''], 'the intact lines are copied byte for byte, in order');
  assert.deepEqual(entries.map((e) => 'image' in e ? e.image : e.outcome), ['recovered', 'one', 'two']);

  // The next read finds a whole log: no second move, and the recovery note is still in the history.
  const again = await log.read();
  assert.equal(again.damage, undefined);
  assert.deepEqual(again.entries, entries);
  assert.equal(asideFiles(dir, 'audit.log').length, 1);
});

test('a second damage gets its own aside file; the earlier recovery note is carried over', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await log.append(entry('one'));
  await appendFile(log.path, '\u0000\u0000\n');
  const first = await log.read();
  await log.append(entry('two'));
  await appendFile(log.path, '{"broken\n');
  const second = await log.read();
  assert.ok(first.damage?.movedTo && second.damage?.movedTo);
  assert.notEqual(second.damage.movedTo, first.damage.movedTo, 'the first aside file is never overwritten');
  assert.equal(asideFiles(dir, 'audit.log').length, 2);
  assert.deepEqual(second.entries.map((e) => e.outcome === 'recovered' ? `recovered ${e.damagedLines}` : 'image' in e && e.image), ['recovered 4', 'recovered 2', 'one', 'two']);
});

test('concurrent appends in one process never interleave and are never taken for damage', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await Promise.all(Array.from({ length: 50 }, (_, i) => log.recordFailed(key, `img/${i}`, { n: 'x'.repeat(5000) }, new Error('e'))));
  const { entries, damage } = await log.read();
  assert.equal(damage, undefined);
  assert.equal(entries.length, 50);
  assert.deepEqual(await readdir(dir), ['audit.log']);
});

test('when another process holds the recovery lock, the damage is reported and the log left in place', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  await log.append(entry('one'));
  await appendFile(log.path, 'garbage\n');
  const before = await readFile(log.path);
  // A live process (this one) holds the lock, as a recovery stuck in another signet would: the
  // reader waits its 10 s, then reports instead of moving anything.
  await writeFile(join(dir, 'audit.log.lock'), String(process.pid));
  const { entries, damage } = await log.read();
  assert.equal(damage?.movedTo, undefined);
  assert.match(damage!.message, /is damaged at line 2, which was skipped; it could not be moved aside \(.*locked by another signet process.*\), so it was left as it is\./);
  assert.deepEqual(entries.map((e) => 'image' in e && e.image), ['one']);
  assert.deepEqual(await readFile(log.path), before);
  assert.deepEqual(asideFiles(dir, 'audit.log'), []);
});

test('an append made while a recovery holds the lock past the wait is decided under the lock, and survives the recovery replacing the log', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir, { lockWaitMs: 100 });
  await log.append(entry('before'));
  // A recovery in a live process (this one stands in for it) has taken its snapshot and holds the lock.
  const lock = join(dir, 'audit.log.lock');
  await writeFile(lock, String(process.pid));
  const appending = log.append(entry('during'));
  // Well past the append's wait, the recovery replaces the log with what it copied (without the
  // new line, which it never saw) and lets go of the lock.
  await new Promise((r) => setTimeout(r, 400));
  const replacement = join(dir, 'replacement');
  await writeFile(replacement, line({ ...entry('before'), id: 'copied' }));
  await rename(replacement, log.path);
  await rm(lock);
  assert.equal(await appending, 1, 'written again under the lock');
  const { entries } = await log.read();
  assert.deepEqual(entries.map((e) => 'image' in e && e.image), ['before', 'during']);
});

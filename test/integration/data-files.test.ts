// Data files under hostile conditions: a truncated or corrupt keys.json or trust.json is reported
// (DATA_CORRUPT), moved aside byte for byte, and never silently replaced; a damaged audit.log is
// moved aside byte for byte and replaced by a log of its intact entries, which the user is told,
// also while other processes append; and a process killed with SIGKILL at random points while
// writing leaves the old or the new file, never half of one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrustStore, defaultTrustedKeys } from '../../electron/engine/trust/trust-store.js';
import { readKeyMetadata } from '../../electron/engine/keystore/key-metadata.js';
import { AuditLog, type AuditEntry } from '../../electron/engine/audit/audit-log.js';
import { parseAuditLog } from '../../electron/engine/audit/audit-lines.js';
import { dispatch } from '../../electron/host/api-handlers.js';
import type { AuditListView } from '../../shared/api.js';
import { generatePrivateKey } from '../../electron/engine/keys/private-key.js';
import { SignetError } from '../../electron/engine/errors.js';
import { makeTempDir } from '../helpers/tmp.js';
import { asideFiles, byteCorruptions, type Corruption } from '../helpers/data-corruption.js';
import { runSignet } from '../helpers/cli.js';
import { checksum } from './data-file-writer.js';

const WRITER = fileURLToPath(new URL('./data-file-writer.js', import.meta.url));
const ITERATIONS = Number(process.env.SIGNET_CRASH_ITERATIONS ?? 25);

async function validTrustFile(dir: string): Promise<Buffer> {
  const store = new TrustStore(dir);
  await store.add(generatePrivateKey('ed25519').publicKey.pem, 'alice');
  await store.add(generatePrivateKey('ecdsa-p256').publicKey.pem, 'bob');
  return readFileSync(store.path);
}

function corruptions(valid: Buffer): Array<{ how: string; bytes: Buffer }> {
  const flipped = Buffer.from(valid);
  const at = valid.indexOf('BEGIN PUBLIC KEY') + 40;
  flipped[at] = flipped[at] === 0x41 ? 0x42 : 0x41;
  return [
    ...byteCorruptions(valid),
    { how: 'valid JSON of the wrong shape', bytes: Buffer.from('{"version":1,"keys":{}}') },
    { how: 'a future version', bytes: Buffer.from(valid.toString().replace('"version": 1', '"version": 2')) },
    { how: 'a public key with a flipped character', bytes: flipped },
  ];
}

test('a truncated or corrupt trust.json / keys.json is reported, moved aside byte for byte, never silently replaced', async () => {
  const seedDir = await makeTempDir();
  const valid = await validTrustFile(seedDir);
  for (const name of ['trust.json', 'keys.json'] as const) {
    for (const c of corruptions(valid)) {
      const dir = await makeTempDir();
      const path = join(dir, name);
      writeFileSync(path, name === 'keys.json' ? c.bytes.toString().replace(/"added"/g, '"created"') : c.bytes);
      const before = readFileSync(path);
      const read = name === 'trust.json' ? () => new TrustStore(dir).list() : () => readKeyMetadata(dir);
      await assert.rejects(read(), (e: unknown) => {
        assert.ok(e instanceof SignetError, String(e));
        assert.equal(e.code, 'DATA_CORRUPT', `${name} ${c.how}: ${e.message}`);
        assert.ok(e.message.includes(path) && /moved aside/.test(e.message), e.message);
        return true;
      }, `${name} ${c.how}`);
      const aside = asideFiles(dir, name);
      assert.equal(aside.length, 1, `${name} ${c.how}: moved aside once`);
      assert.deepEqual(readFileSync(join(dir, aside[0]!)), before, 'the corrupt bytes are kept as they were');
      assert.equal(existsSync(path), false, 'nothing was written in its place');
      // The trust set built from the data dir fails too rather than silently trusting less.
      if (name === 'trust.json') {
        writeFileSync(path, before);
        await assert.rejects(defaultTrustedKeys(dir), (e: unknown) => e instanceof SignetError && e.code === 'DATA_CORRUPT');
      }
    }
  }
});

test('the CLI reports a corrupt trust.json plainly, and a later add starts a new file beside the kept one', async () => {
  const dir = await makeTempDir();
  writeFileSync(join(dir, 'trust.json'), '{"version":1,"keys":[{"name":"al');
  const r = await runSignet(['trust', 'list'], { env: { SIGNET_HOME: dir } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /trust\.json was corrupt .*moved aside/s);
  assert.doesNotMatch(r.stderr, /\.js:\d+/);
  writeFileSync(join(dir, 'k.pub'), generatePrivateKey('ed25519').publicKey.pem);
  const add = await runSignet(['trust', 'add', join(dir, 'k.pub'), '--name', 'carol'], { env: { SIGNET_HOME: dir } });
  assert.equal(add.code, 0, add.stderr);
  assert.equal(asideFiles(dir, 'trust.json').length, 1, 'the moved-aside file is still there');
  assert.deepEqual((await new TrustStore(dir).list()).map((e) => e.name), ['carol']);
});

async function validAuditLog(dir: string): Promise<Buffer> {
  const log = new AuditLog(dir);
  for (const image of ['one', 'two', 'three']) await log.append(auditEntry(image));
  return readFileSync(log.path);
}

function auditEntry(image: string): AuditEntry {
  return { time: new Date().toISOString(), user: 't', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image, annotations: { pad: 'p'.repeat(200) } };
}

function auditCorruptions(valid: Buffer): Corruption[] {
  const lines = valid.toString('utf8').split('\n');
  const notUtf8 = Buffer.from(lines[1]!);
  notUtf8[notUtf8.indexOf('"image":"') + 9] = 0xff;
  const midLine = (bad: Buffer | string) => Buffer.concat([Buffer.from(`${lines[0]}\n`), Buffer.from(bad), Buffer.from('\n'), Buffer.from(`${lines.slice(1).join('\n')}`)]);
  return [
    // An empty audit.log is a log with nothing in it yet, not damage.
    ...byteCorruptions(valid).filter((c) => c.how !== 'empty'),
    { how: 'a line torn in the middle of the log', bytes: midLine(lines[1]!.slice(0, 50)) },
    { how: 'a line that is not UTF-8', bytes: midLine(notUtf8) },
    { how: 'a JSON line that is not an entry', bytes: midLine('{"time":"2026-01-01T00:00:00Z"}') },
  ];
}

test('a damaged audit.log is moved aside byte for byte, a new log keeps every intact entry, and signet log and the API say so', async () => {
  const valid = await validAuditLog(await makeTempDir());
  for (const c of auditCorruptions(valid)) {
    const dir = await makeTempDir();
    const path = join(dir, 'audit.log');
    writeFileSync(path, c.bytes);
    const found = parseAuditLog(c.bytes);
    assert.ok(found.damaged.length > 0, `${c.how}: the case is damage`);

    const r = await runSignet(['log'], { env: { SIGNET_HOME: dir } });
    assert.equal(r.code, 0, `${c.how}: ${r.stderr}`);
    const aside = asideFiles(dir, 'audit.log');
    assert.equal(aside.length, 1, `${c.how}: moved aside once`);
    assert.deepEqual(readFileSync(join(dir, aside[0]!)), c.bytes, `${c.how}: the damaged bytes are kept as they were`);
    // One plain sentence on stderr naming the moved file; nothing else.
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(join(dir, aside[0]!)) && /was damaged at lines? [\d, ]+, so it was moved aside, unchanged, to /.test(r.stderr), `${c.how}: ${r.stderr}`);

    const newLines = readFileSync(path, 'utf8').split('\n');
    const recovery = JSON.parse(newLines[0]!);
    assert.deepEqual([recovery.outcome, recovery.movedTo, recovery.damagedLines, recovery.copied], ['recovered', aside[0], found.damaged, found.intactLines.length], c.how);
    assert.deepEqual(newLines.slice(1), [...found.intactLines, ''], `${c.how}: every intact line copied as stored, in order`);
    assert.match(r.stdout, /RECOVERED {2}the log was damaged at line/);
    for (const e of found.records) assert.ok('image' in e && r.stdout.includes(`  ${e.image}  `), `${c.how}: signet log still shows ${JSON.stringify(e).slice(0, 60)}`);

    const again = await runSignet(['log', '--json'], { env: { SIGNET_HOME: dir } });
    assert.equal(again.stderr, '', 'the new log is whole: no further warning');
    assert.equal(asideFiles(dir, 'audit.log').length, 1);
  }
  // The API (what the Activity screen shows) reports the move with the same sentence.
  const dir = await makeTempDir();
  writeFileSync(join(dir, 'audit.log'), Buffer.concat([valid, Buffer.from('{"time": "torn')]));
  const api = await dispatch('audit.list', {}, { dataDir: dir, progress: () => undefined });
  assert.ok(api.ok);
  const listed = api.result as AuditListView;
  assert.ok(listed.damage?.movedTo && existsSync(listed.damage.movedTo));
  assert.match(listed.damage.message, /damaged at line 4, so it was moved aside, unchanged, to .*; a new log was started with its 3 intact entries\./);
  assert.deepEqual(listed.entries.map((e) => e.outcome), ['recovered', 'signed', 'signed', 'signed']);
});

test('two processes appending while this one keeps damaging and recovering the log: no entry lost or doubled', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  const PER_WRITER = 150;
  const writers = ['a', 'b'].map((name) => runWriter(['audit-n', dir, String(PER_WRITER), name]));
  let recoveries = 0;
  let running = true;
  void Promise.all(writers).finally(() => { running = false; });
  while (running) {
    // A damaged line, then a read, which recovers while the appenders are mid-way. (With its
    // newline: a torn line without one, written at the very moment another process appends,
    // would have that entry glued onto it; only a process killed mid-append makes such a line.)
    appendFileSync(log.path, '{"time":"torn\n');
    const { damage } = await log.read();
    if (damage?.movedTo) recoveries++;
  }
  const rewrites = (await Promise.all(writers)).reduce((n, out) => n + (JSON.parse(out) as { rewrites: number }).rewrites, 0);
  const { entries, damage } = await log.read();
  assert.equal(damage, undefined, 'the last recovery left a whole log');
  const images = entries.flatMap((e) => 'image' in e ? [e.image] : []);
  for (const name of ['a', 'b']) {
    const mine = images.filter((i) => i.startsWith(`${name}-`));
    assert.deepEqual(mine, Array.from({ length: PER_WRITER }, (_, i) => `${name}-${i}`), `writer ${name}: every entry once, in order`);
  }
  assert.equal(images.length, 2 * PER_WRITER);
  console.log(`audit concurrency: ${recoveries} recoveries while 2 processes appended ${2 * PER_WRITER} entries; ${rewrites} entries written again after a recovery replaced the log under them`);
  assert.ok(recoveries >= 3, `the log was recovered while the writers ran (${recoveries})`);
  assert.ok(rewrites > 0, 'some appends landed in a log a recovery had already read, and were written again');
  assert.equal(asideFiles(dir, 'audit.log').length, recoveries);
});

function runWriter(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

function startWriter(mode: 'json' | 'audit' | 'audit-huge', target: string, startGen: number): Promise<{ kill: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, mode, target], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, START_GEN: String(startGen) } });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.stdout.once('data', () => resolve({
      kill: () => new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
    }));
    child.once('exit', (code, sig) => { if (sig !== 'SIGKILL') reject(new Error(`writer exited early (${code}): ${err}`)); });
  });
}

/**
 * After a writer of audit.log was killed: a read must leave a whole log as it is, and a log whose
 * last line was torn by the kill (the only damage a kill can do) must be moved aside unchanged,
 * with a new log of every complete entry and nothing else.
 */
async function readAuditAfterKill(dir: string, label: string): Promise<{ torn: boolean; signings: number }> {
  const auditPath = join(dir, 'audit.log');
  const before = existsSync(auditPath) ? readFileSync(auditPath) : Buffer.alloc(0);
  const found = parseAuditLog(before);
  const asideBefore = asideFiles(dir, 'audit.log');
  const { entries, damage } = await new AuditLog(dir).read();
  assert.ok(found.damaged.length <= 1 && (found.damaged.length === 0 || found.lastLineTorn), `${label}: only the line being written may be torn (damaged ${JSON.stringify(found.damaged)})`);
  const newAside = asideFiles(dir, 'audit.log').filter((f) => !asideBefore.includes(f));
  const torn = found.damaged.length === 1;
  if (!torn) {
    assert.equal(damage, undefined);
    assert.deepEqual(existsSync(auditPath) ? readFileSync(auditPath) : Buffer.alloc(0), before, `${label}: a whole log is left as it is`);
    assert.deepEqual(newAside, []);
  } else {
    assert.ok(damage?.movedTo, `${label}: the torn log is moved aside`);
    assert.deepEqual(newAside, [damage.movedTo.slice(dir.length + 1)]);
    assert.deepEqual(readFileSync(damage.movedTo), before, `${label}: the torn line is in the moved-aside file, bytes unchanged`);
    const newLines = readFileSync(auditPath, 'utf8').split('\n');
    assert.equal(JSON.parse(newLines[0]!).movedTo, newAside[0]);
    assert.deepEqual(newLines.slice(1), [...found.intactLines, ''], `${label}: every complete entry is in the new log, nothing else`);
  }
  const signings = entries.filter((e) => e.outcome !== 'recovered').length;
  assert.equal(signings, found.records.filter((e) => e.outcome !== 'recovered').length);
  return { torn, signings };
}

test(`kill -9 at random points while writing (${ITERATIONS} times per file): the old or the new file, never half`, async () => {
  const dir = await makeTempDir();
  const json = join(dir, 'trust.json');
  let lastGen = -1;
  let auditCount = 0;
  let torn = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    // JSON data file (keys.json / trust.json / index.json all go through writeJsonAtomic).
    const w = await startWriter('json', json, lastGen + 1);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
    await w.kill();
    if (existsSync(json)) {
      const doc = JSON.parse(readFileSync(json, 'utf8')) as { gen: number; padding: string; checksum: string };
      assert.equal(doc.checksum, checksum(doc.gen, doc.padding), `iteration ${i}: a whole version, not a mix`);
      assert.ok(doc.gen >= lastGen, 'never an older version than one seen before');
      lastGen = doc.gen;
    }
    // Append-only audit log.
    const a = await startWriter('audit', dir, 0);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 120));
    await a.kill();
    const after = await readAuditAfterKill(dir, `iteration ${i}`);
    if (after.torn) torn++;
    assert.ok(after.signings >= auditCount, 'no audit entry lost');
    auditCount = after.signings;
  }
  // A kill above rarely lands inside the write(2) of a line (most of an append is its fsync). So
  // kill a writer of 32 MiB lines as soon as the log grows, i.e. while the kernel is copying the
  // line in: SIGKILL stops the copy at a page boundary and leaves the line torn.
  let tornByKill = 0;
  for (let attempt = 0; attempt < 5 && tornByKill === 0; attempt++) {
    const auditPath = join(dir, 'audit.log');
    const sizeBefore = statSync(auditPath).size;
    const h = await startWriter('audit-huge', dir, 0);
    while (statSync(auditPath).size === sizeBefore) await new Promise((r) => setImmediate(r));
    await h.kill();
    const after = await readAuditAfterKill(dir, `large line, attempt ${attempt}`);
    if (after.torn) tornByKill++;
    assert.equal(after.signings, auditCount + (after.torn ? 0 : 1), 'no complete audit entry lost, and the torn one not counted');
    auditCount = after.signings;
  }
  assert.equal(tornByKill, 1, 'a kill -9 during a large append tore its line (and the read moved it aside)');
  torn += tornByKill;
  // Temp files of killed writers are litter, cleared by the next successful write.
  const w = await startWriter('json', json, lastGen + 1);
  await new Promise((r) => setTimeout(r, 300));
  await w.kill();
  const leftovers = readdirSync(dir).filter((f) => f.includes('.tmp-'));
  console.log(`kill -9 test: ${ITERATIONS} kills per file, last JSON generation ${lastGen}, ${auditCount} audit entries, ${torn} torn audit line(s) moved aside, ${leftovers.length} temp file(s) left`);
  assert.ok(leftovers.length <= 1, `at most the last killed writer's temp file is left: ${leftovers.join(', ')}`);
  assert.ok(lastGen >= 0 && auditCount > 0, 'the writers made progress');
});

// Changes to keys, teammates, registries and policies in audit.log: each a line with the local
// time, its zone and the OS user; read back by the strict parser with the signings; older lines
// (no local time, no full name) still read; a change whose shape is wrong is damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { AuditLog } from '../../../electron/engine/audit/audit-log.js';
import { parseAuditLog } from '../../../electron/engine/audit/audit-lines.js';
import { auditStamp, localIsoTime, passwdFullNames } from '../../../electron/engine/audit/audit-stamp.js';
import { changeDetailsText, changeHeadline } from '../../../shared/audit-changes.js';
import { makeTempDir } from '../../helpers/tmp.js';

const line = (e: object) => `${JSON.stringify(e)}\n`;

test('a change is one JSON line: local time with offset and zone, the OS user, kind, action, subject, fingerprint, details, via', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  const now = new Date('2026-03-01T10:00:00.000Z');
  await log.recordChange({ kind: 'key', action: 'generated', subject: 'Release', fingerprint: 'SHA256:ab', details: { algorithm: 'ecdsa-p256' }, via: 'cli' }, now);
  const stored = JSON.parse((await readFile(log.path, 'utf8')).trim());
  assert.equal(stored.time, '2026-03-01T10:00:00.000Z');
  assert.equal(stored.localTime, localIsoTime(now));
  assert.equal(new Date(stored.localTime).getTime(), now.getTime(), 'the local time is the same instant');
  assert.equal(stored.zone, Intl.DateTimeFormat().resolvedOptions().timeZone);
  assert.equal(stored.user, userInfo().username, 'the OS user, not a constant');
  assert.match(stored.id, /^[0-9a-f]{16}$/);
  assert.deepEqual({ ...stored, id: 0, localTime: 0, zone: 0, user: 0, userName: 0 }, {
    id: 0, time: '2026-03-01T10:00:00.000Z', localTime: 0, zone: 0, user: 0, userName: 0, outcome: 'changed', kind: 'key', action: 'generated', subject: 'Release', fingerprint: 'SHA256:ab', details: { algorithm: 'ecdsa-p256' }, via: 'cli',
  });
  const { entries, damage } = await log.read();
  assert.equal(damage, undefined);
  assert.deepEqual(entries, [stored]);
});

test('the local time carries the offset of the zone it was made in', () => {
  // Offsets in minutes east of UTC as getTimezoneOffset reports them (negated): Berlin in winter, New York, Kathmandu.
  for (const [offset, suffix, wall] of [[-60, '+01:00', '11:00'], [300, '-05:00', '05:00'], [-345, '+05:45', '15:45']] as const) {
    const d = new Date('2026-03-01T10:00:00.000Z');
    d.getTimezoneOffset = () => offset;
    const s = localIsoTime(d);
    assert.equal(s.slice(23), suffix);
    assert.equal(s.slice(11, 16), wall);
    assert.equal(new Date(s).getTime(), d.getTime());
  }
});

test('the full name comes from the GECOS field when it says more than the login name', () => {
  const names = passwdFullNames('root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice Smith,,,:/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\nbroken line\n');
  assert.deepEqual([...names], [['root', 'root'], ['alice', 'Alice Smith']]);
  const stamp = auditStamp();
  assert.equal(stamp.user, userInfo().username);
  assert.notEqual(stamp.userName, stamp.user, 'a full name that only repeats the login is left out');
});

test('older lines still read: signings without local time, zone or full name, beside new changes and recoveries', async () => {
  const dir = await makeTempDir();
  const log = new AuditLog(dir);
  const old = { time: '2025-06-01T00:00:00.000Z', user: 'ci', outcome: 'signed', key: { name: 'k', fingerprint: 'SHA256:00', source: 'file' }, image: 'r.example/a:1', annotations: {} };
  const oldRecovery = { time: '2025-06-02T00:00:00.000Z', user: 'ci', outcome: 'recovered', movedTo: 'audit.log.corrupt-x', damagedLines: [3], copied: 1 };
  await appendFile(log.path, line(oldRecovery) + line(old));
  await log.recordChange({ kind: 'teammate', action: 'revoked', subject: 'Alice', fingerprint: 'SHA256:cd', details: {}, via: 'desktop' });
  const { entries, damage } = await log.read();
  assert.equal(damage, undefined);
  assert.deepEqual(entries.slice(0, 2), [oldRecovery, old], 'read exactly as stored, nothing added');
  assert.equal(entries[2]!.outcome, 'changed');
});

test('a change of an unknown kind or action (a newer Signet) still reads; a wrong shape is damage', () => {
  const base = { time: 't', user: 'u', outcome: 'changed', kind: 'key', action: 'generated', subject: 's', details: {}, via: 'cli' };
  const good = line(base);
  const future = line({ ...base, kind: 'notation-key', action: 'rotated' });
  const parsedFuture = parseAuditLog(Buffer.from(good + future));
  assert.deepEqual(parsedFuture.damaged, []);
  assert.equal(changeHeadline('notation-key', 'rotated'), 'notation-key rotated', 'shown as stored');
  const damaged: Array<[string, object]> = [
    ['no subject', { ...base, subject: undefined }],
    ['an empty kind', { ...base, kind: '' }],
    ['details that are not an object', { ...base, details: 'x' }],
    ['a detail that is not text', { ...base, details: { n: 1 } }],
    ['no via', { ...base, via: undefined }],
    ['a fingerprint that is not text', { ...base, fingerprint: 5 }],
    ['a local time that is not text', { ...base, localTime: 5 }],
  ];
  for (const [how, bad] of damaged) {
    const parsed = parseAuditLog(Buffer.from(good + line(bad) + good));
    assert.deepEqual(parsed.damaged, [2], how);
    assert.equal(parsed.records.length, 2, how);
  }
});

test('details are said in the order people look for them', () => {
  assert.equal(changeDetailsText({ keys: 'A (SHA256:1)', zeta: 'z', mode: 'audit', images: 'r/*', format: 'kyverno' }), 'format kyverno, mode audit, images r/*, keys A (SHA256:1), zeta z');
  assert.equal(changeHeadline('registry', 'credentials-changed'), 'registry credentials changed');
  assert.equal(changeHeadline('key', 'exported-private'), 'private key exported');

});

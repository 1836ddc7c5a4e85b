import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, isLoopbackRegistry, parseReference, withTag } from '../../electron/engine/content/reference.js';
import { SignetError } from '../../electron/engine/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

test('short names get docker.io/library and latest, as the docker CLI does', () => {
  assert.equal(formatReference(parseReference('alpine')), 'docker.io/library/alpine:latest');
  assert.equal(formatReference(parseReference('user/app:1.0')), 'docker.io/user/app:1.0');
  assert.equal(formatReference(parseReference('index.docker.io/user/app')), 'docker.io/user/app:latest');
});

test('registries with ports, localhost and IPv6 are kept as written', () => {
  assert.deepEqual(parseReference('127.0.0.1:5000/a/b:v1'), { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'v1' });
  assert.deepEqual(parseReference('localhost/x'), { registry: 'localhost', repository: 'x', tag: 'latest' });
  assert.deepEqual(parseReference('[::1]:5000/x@' + D), { registry: '[::1]:5000', repository: 'x', digest: D });
  assert.deepEqual(parseReference('docker://ghcr.io/o/r:t@' + D), { registry: 'ghcr.io', repository: 'o/r', tag: 't', digest: D });
});

test('malformed references are rejected with a reason', () => {
  for (const bad of ['', 'UPPER/case', 'a//b', 'host:99999/x', 'x@sha256:abc', 'x:' + 't'.repeat(200), 'a b', 'x:-bad']) {
    assert.throws(() => parseReference(bad), (e: unknown) => e instanceof SignetError && e.code === 'REFERENCE_INVALID', bad);
  }
});

test('loopback detection covers localhost, 127/8 and ::1 only', () => {
  assert.ok(isLoopbackRegistry('localhost:5000'));
  assert.ok(isLoopbackRegistry('127.0.0.2:80'));
  assert.ok(isLoopbackRegistry('[::1]:5000'));
  assert.ok(!isLoopbackRegistry('127.example.com'));
  assert.ok(!isLoopbackRegistry('10.0.0.1:5000'));
});

test('withTag refuses a tag outside the OCI grammar, and never echoes it (issue 11, finding 3: defence in depth behind listTags)', () => {
  const repo = parseReference('r.example/team/app:v1');
  const unsigned = `sha256:${'a'.repeat(64)}`;
  for (const bad of [`v1@${unsigned}`, 'v1\n127.0.0.1/app:v9 verified', '\u001b[2Jx', '.hidden', '-x', '', 'x'.repeat(129), 'v1:v2', 'a/b', 'ü']) {
    assert.throws(() => withTag(repo, bad), (e: unknown) => {
      assert.ok(e instanceof SignetError && e.code === 'REFERENCE_INVALID', String(e));
      assert.match(e.message, /^A tag of r\.example\/team\/app \(\d+ characters\) is not a valid tag name/);
      assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f]|@sha256|verified/, 'the tag itself is not in the message');
      return true;
    }, JSON.stringify(bad));
  }
  for (const good of ['v1', '_x', 'V1.2-rc_3', 'x'.repeat(128), `sha256-${'a'.repeat(64)}.sig`]) {
    assert.deepEqual(withTag(repo, good), { registry: 'r.example', repository: 'team/app', tag: good });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { namesWholeRepository, parseSource } from '../../../electron/engine/sources/transport.js';

test('oci:, docker-archive: and docker-daemon: parse as skopeo writes them', () => {
  assert.deepEqual(parseSource('oci:/tmp/lay:v1'), { kind: 'oci-layout', input: 'oci:/tmp/lay:v1', dir: '/tmp/lay', name: 'v1' });
  assert.deepEqual(parseSource('oci:/tmp/lay'), { kind: 'oci-layout', input: 'oci:/tmp/lay', dir: '/tmp/lay' });
  // The path ends at the first colon, so a name may be a full reference with a port.
  const full = parseSource('oci:/tmp/lay:127.0.0.1:5000/team/app:v1');
  assert.equal(full.kind === 'oci-layout' && full.name, '127.0.0.1:5000/team/app:v1');
  const rel = parseSource('oci:rel/dir:v2');
  assert.equal(rel.kind === 'oci-layout' && rel.dir, resolve('rel/dir'));
  assert.deepEqual(parseSource('docker-archive:/x/a.tar:demo/app:v1'), { kind: 'docker-archive', input: 'docker-archive:/x/a.tar:demo/app:v1', file: '/x/a.tar', name: 'demo/app:v1' });
  assert.deepEqual(parseSource('docker-daemon:alpine:3'), { kind: 'engine', input: 'docker-daemon:alpine:3', name: 'alpine:3' });
  assert.deepEqual(parseSource('docker-daemon:'), { kind: 'engine', input: 'docker-daemon:' });
});

test('registry references stay the default, with or without docker://', () => {
  for (const s of ['127.0.0.1:5000/a/b:v1', 'docker://127.0.0.1:5000/a/b:v1', 'alpine:latest', 'alpine']) {
    const spec = parseSource(s);
    assert.equal(spec.kind, 'registry', s);
  }
  const spec = parseSource('alpine');
  assert.equal(spec.kind === 'registry' && spec.ref.repository, 'library/alpine');
});

test('unsupported skopeo transports and empty paths are usage errors in plain words', () => {
  assert.throws(() => parseSource('dir:/tmp/x'), (e: any) => e.code === 'USAGE' && /dir: is not supported/.test(e.message));
  assert.throws(() => parseSource('oci-archive:/tmp/x.tar'), (e: any) => e.code === 'USAGE');
  assert.throws(() => parseSource('oci:'), (e: any) => e.code === 'USAGE' && /names no directory/.test(e.message));
  assert.throws(() => parseSource('docker-archive::x'), (e: any) => e.code === 'USAGE');
});

test('a repository without tag or digest means "every tag" for signet images', () => {
  assert.equal(namesWholeRepository('127.0.0.1:5000/team/app'), true);
  assert.equal(namesWholeRepository('docker://127.0.0.1:5000/team/app'), true);
  assert.equal(namesWholeRepository('127.0.0.1:5000/team/app:v1'), false);
  assert.equal(namesWholeRepository(`127.0.0.1:5000/team/app@sha256:${'a'.repeat(64)}`), false);
});

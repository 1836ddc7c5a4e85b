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

test('a registry name ending in / is a namespace: every repository under it, or the whole registry', () => {
  assert.deepEqual(parseSource('127.0.0.1:5000/team/'), { kind: 'namespace', input: '127.0.0.1:5000/team/', registry: '127.0.0.1:5000', prefix: 'team' });
  assert.deepEqual(parseSource('127.0.0.1:5000/'), { kind: 'namespace', input: '127.0.0.1:5000/', registry: '127.0.0.1:5000', prefix: '' });
  assert.deepEqual(parseSource('docker://registry.example.com/team/sub/'), { kind: 'namespace', input: 'docker://registry.example.com/team/sub/', registry: 'registry.example.com', prefix: 'team/sub' });
  assert.deepEqual(parseSource('localhost/'), { kind: 'namespace', input: 'localhost/', registry: 'localhost', prefix: '' });
  // Without the slash it stays one repository.
  assert.equal(parseSource('127.0.0.1:5000/team').kind, 'registry');
});

test('a malformed namespace is a usage error that says how to write one', () => {
  const cases: Array<[string, RegExp]> = [
    ['team/', /does not start with a registry host/],
    ['team/app/', /does not start with a registry host/],
    ['/', /does not start with a registry host/],
    ['127.0.0.1:5000//', /empty path component/],
    ['127.0.0.1:5000/team//', /"team\/" must be lower-case path components/],
    ['127.0.0.1:5000/Team/', /"Team" must be lower-case/],
    ['127.0.0.1:5000/team:v1/', /"team:v1" must be lower-case/],
    ['127.0.0.1:5000/a/../b/', /"a\/..\/b" must be lower-case/],
    ['127.0.0.1:99999/', /port 99999 is out of range/],
    ['bad_host.example/', /"bad_host.example" is not a valid registry host/],
  ];
  for (const [input, why] of cases) {
    assert.throws(() => parseSource(input), (e: any) => {
      assert.equal(e.code, 'USAGE', `${input}: ${e.message}`);
      assert.match(e.message, why, input);
      assert.match(e.message, /Write HOST\[:PORT\]\/NAMESPACE\/ for every repository under NAMESPACE, or HOST\[:PORT\]\/ for every repository of the registry/);
      return true;
    }, input);
  }
});

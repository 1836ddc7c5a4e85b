import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate } from '../../../electron/engine/registry/www-authenticate.js';
import { SignetError } from '../../../electron/engine/errors.js';

const plain = (h: string) => parseWwwAuthenticate(h).map((c) => ({ scheme: c.scheme, params: { ...c.params } }));

test('a docker registry bearer challenge', () => {
  assert.deepEqual(plain('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
  ]);
});

test('basic challenge, scheme and parameter names are case-insensitive', () => {
  assert.deepEqual(plain('BASIC Realm="test-realm"'), [{ scheme: 'basic', params: { realm: 'test-realm' } }]);
});

test('commas inside quoted strings, escapes, and spaces around "="', () => {
  assert.deepEqual(plain('Bearer realm = "a,b", scope="repository:x:pull,push", error="say \\"hi\\" \\\\ ok"'), [
    { scheme: 'bearer', params: { realm: 'a,b', scope: 'repository:x:pull,push', error: 'say "hi" \\ ok' } },
  ]);
});

test('several challenges in one header, including token68 and parameterless schemes', () => {
  assert.deepEqual(plain('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'), [
    { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    { scheme: 'basic', params: { realm: 'simple' } },
  ]);
  assert.deepEqual(plain('Negotiate, Negotiate abc123==, Bearer realm="r"'), [
    { scheme: 'negotiate', params: {} },
    { scheme: 'negotiate', params: { token68: 'abc123==' } },
    { scheme: 'bearer', params: { realm: 'r' } },
  ]);
});

test('unquoted token values and empty quoted values', () => {
  assert.deepEqual(plain('Bearer realm=https://x/token, service=""'), [{ scheme: 'bearer', params: { realm: 'https://x/token', service: '' } }]);
});

test('error="insufficient_scope" is available to the caller', () => {
  const [c] = parseWwwAuthenticate('Bearer realm="r",service="s",scope="repository:a:pull,push",error="insufficient_scope"');
  assert.equal(c?.params.error, 'insufficient_scope');
});

test('malformed headers are AUTH_FAILED errors, never crashes', () => {
  for (const h of ['', '   ', 'Bearer realm="unterminated', 'Bearer a=b,c=', 'Bearer a="x"y', 'Bearer a=b c', '=x', 'Bearer realm="a" service="b"', 'Bearer "quoted"', 'Bearer realm="a\\']) {
    assert.throws(() => parseWwwAuthenticate(h), (e: unknown) => e instanceof SignetError && e.code === 'AUTH_FAILED' && /malformed WWW-Authenticate/.test(e.message), h);
  }
});

test('random garbage never throws anything but a SignetError', () => {
  const alphabet = 'Bearer realm=",\\ \t=ab';
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const n = Math.floor(rnd() * 30);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    try {
      parseWwwAuthenticate(s);
    } catch (e) {
      assert.ok(e instanceof SignetError, `input ${JSON.stringify(s)} threw ${String(e)}`);
    }
  }
});

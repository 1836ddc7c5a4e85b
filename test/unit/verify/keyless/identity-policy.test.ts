// Trusted identities are matched anchored: an exact value is escaped and anchored, a user's
// expression wrapped in ^(?:…)$ (so `a|b` is anchored on both sides). Then the certificate facts
// this matching reads: SANs, the issuer OIDs, Fulcio's extensions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchoredRegExp, compileIdentityPolicy, exactRegExp, matchIdentity } from '../../../../electron/engine/verify/keyless/identity-policy.js';
import { SignetError } from '../../../../electron/engine/errors.js';

test('an exact identity matches only itself: every character literal, the whole value', () => {
  const exact = exactRegExp('https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4');
  assert.equal(exact.test('https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4'), true);
  for (const other of [
    'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.40',
    'xhttps://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4',
    'https://github.com/acme/app/.github/workflows/releaseXyml@refs/tags/v1.4',
    'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4\n',
  ]) assert.equal(exact.test(other), false, other);
  const special = 'a+b?(c)[d]{e}|f^g$h\\i.j*k/l-m';
  assert.equal(exactRegExp(special).test(special), true);
  assert.equal(exactRegExp(special).test('aab?(c)[d]{e}|f^g$h\\i.j*k/l-m'), false);
  assert.equal(exactRegExp('redhat').test('mitr@redhat.com'), false);
});

test('a user expression is anchored: it must match the whole identity, alternatives included', () => {
  assert.equal(anchoredRegExp('redhat').test('mitr@redhat.com'), false);
  assert.equal(anchoredRegExp('.*@redhat\\.com').test('mitr@redhat.com'), true);
  const alt = anchoredRegExp('alice@acme\\.example|bob@acme\\.example');
  assert.equal(alt.test('alice@acme.example'), true);
  assert.equal(alt.test('bob@acme.example'), true);
  assert.equal(alt.test('alice@acme.example.evil'), false, 'naive ^a|b$ would leave the first alternative open at its end');
  assert.equal(alt.test('evil.bob@acme.example'), false, 'and the second open at its start');
  assert.equal(anchoredRegExp('^mitr@redhat\\.com$').test('mitr@redhat.com'), true, 'an expression already anchored still works');
  assert.equal(anchoredRegExp('https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*').test('https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.4'), true);
  assert.equal(anchoredRegExp('https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*').test('https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main'), false);
});

test('bad policies are usage errors: an expression that does not compile, one too long, an empty exact value', () => {
  const usage = (re: RegExp) => (e: unknown) => e instanceof SignetError && e.code === 'USAGE' && re.test(e.message);
  assert.throws(() => compileIdentityPolicy({ issuer: { exact: 'i' }, identity: { regexp: 'a(' } }), usage(/identity expression "a\(" is not a valid regular expression/));
  assert.throws(() => compileIdentityPolicy({ issuer: { regexp: 'x'.repeat(1025) }, identity: { exact: 'a' } }), usage(/longer than 1024/));
  assert.throws(() => compileIdentityPolicy({ issuer: { exact: '' }, identity: { exact: 'a' } }), usage(/issuer is empty/));
});

test('matching: the issuer and one SAN must both match one policy; the first that does is named', () => {
  const policies = [
    compileIdentityPolicy({ name: 'A', issuer: { exact: 'https://issuer.a' }, identity: { exact: 'x@a' } }),
    compileIdentityPolicy({ name: 'B', issuer: { regexp: 'https://issuer\\.(a|b)' }, identity: { regexp: '.*@b' } }),
  ];
  assert.equal(matchIdentity(policies, ['x@a'], 'https://issuer.a'), 0);
  assert.equal(matchIdentity(policies, ['other', 'y@b'], 'https://issuer.a'), 1, 'any SAN of the certificate');
  assert.equal(matchIdentity(policies, ['x@a'], 'https://issuer.b'), undefined, 'x@a is trusted only from issuer.a');
  assert.equal(matchIdentity(policies, ['x@a'], undefined), undefined, 'no issuer: no match');
  assert.equal(matchIdentity([], ['x@a'], 'https://issuer.a'), undefined);
  assert.match(policies[1]!.description, /identity matching "\^\(\?:\.\*@b\)\$" from issuer matching/);
});

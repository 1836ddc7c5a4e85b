// The web host's token comparison is constant-time: it goes through crypto.timingSafeEqual, on two
// equal-length buffers for every token given (so no early return leaks the length or a prefix),
// and a token of another length is refused without throwing. timingSafeEqual is observed by
// replacing it on node:crypto's exports for the duration of the test (the real one still runs).
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { newSessionToken, tokenMatches } from '../../../electron/host/session-token.js';

let calls: Array<[number, number]> = [];

beforeEach(() => {
  calls = [];
  const real = crypto.timingSafeEqual;
  mock.method(crypto, 'timingSafeEqual', (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    calls.push([a.byteLength, b.byteLength]);
    return real(a, b);
  });
  syncBuiltinESMExports(); // named imports of node:crypto now see the replacement
});

afterEach(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
});

test('every comparison is one timingSafeEqual over two 32-byte buffers, whatever the given token', () => {
  const token = newSessionToken();
  const cases: Array<[string, boolean]> = [
    [token, true],
    [`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, false], // same length, last character wrong
    ['x', false], // much shorter
    [`${token}${token}`, false], // longer
    [token.slice(0, 10), false], // a right prefix
  ];
  for (const [given, expected] of cases) {
    calls = [];
    assert.equal(tokenMatches(token, given), expected, given);
    assert.deepEqual(calls, [[32, 32]], `one constant-time comparison for ${given.length} characters`);
  }
});

test('a token of another length, or none, is refused without throwing', () => {
  const token = newSessionToken();
  for (const given of ['', 'a', 'é'.repeat(100), `${token}\u0000`, undefined, null]) {
    assert.doesNotThrow(() => assert.equal(tokenMatches(token, given), false));
  }
});

test('each launch gets a new 256-bit token', () => {
  const a = newSessionToken();
  const b = newSessionToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
});

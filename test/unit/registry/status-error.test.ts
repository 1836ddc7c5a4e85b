// A registry's {"errors":[…]} body is quoted in Signet's messages. It comes from the registry, so it
// is escaped with the one shared escaper (shared/printable.ts) and cut at 200 characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseErrorBody } from '../../../electron/engine/registry/status-error.js';

test('a registry error message is shown escaped, on one line, cut at 200 characters', () => {
  const body = JSON.stringify({ errors: [
    { code: 'DENIED', message: 'no\n\x1b[2J\x1b[32mVERIFIED by alice\u202e\x9b\x7f' },
    { code: 'UNKNOWN', message: 'é'.repeat(500) },
  ] });
  const summary = summariseErrorBody(body);
  assert.equal(summary.split('; ')[0], 'DENIED: no\\n\\x1b[2J\\x1b[32mVERIFIED by alice\\u202e\\x9b\\x7f');
  const long = summary.split('; ')[1]!;
  assert.equal(long, `UNKNOWN: ${'é'.repeat(190)}…`, 'letters beyond ASCII are kept, and the cut ends in "…"');
  assert.equal(Array.from(long).length, 200);
});

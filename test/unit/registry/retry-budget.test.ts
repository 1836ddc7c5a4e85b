// The retry budget of an operation (registry/operation.ts) and withRetries (registry/http.ts):
// retries are drawn from one budget per operation, shared by its requests and not by others; a
// request stops at its own cap; an exhausted budget or a Retry-After past the deadline ends it
// with an error that says how many attempts were made and why no more; delays are full jitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignetError } from '../../../electron/engine/errors.js';
import { Retryable, afterAttempts, retryDelay, withRetries, type RetryOptions } from '../../../electron/engine/registry/http.js';
import { currentOperation, inOperation } from '../../../electron/engine/registry/operation.js';

const OPTS: RetryOptions = { maxRetries: 4, maxRetriesInOperation: 8, baseMs: 1 };

/** A request that fails `failures` times (or forever) with a retryable 503, then answers. */
function flaky(failures = Infinity, retryAfterMs?: number): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    fn: async () => {
      calls += 1;
      if (calls <= failures) {
        throw new Retryable((n) => new SignetError('REGISTRY_ERROR', `The registry answered 503 Service Unavailable${afterAttempts(n)}.`), `503 for GET /v2/x (call ${calls})`, retryAfterMs);
      }
      return 'answer';
    },
  };
}

const rejectsWith = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, String(e));
  assert.match(e.message, re);
  return true;
};

test('outside an operation each request gets maxRetries', async () => {
  const r = flaky();
  await assert.rejects(withRetries(OPTS, r.fn), rejectsWith(/^The registry answered 503 Service Unavailable \(after 5 attempts\)\.$/));
  assert.equal(r.calls(), 5);
});

test('inside an operation a streak of failures on one request is retried up to the per-request cap, not 4', async () => {
  const r = flaky(7);
  assert.equal(await inOperation({ what: 'signing a/b:v1' }, () => withRetries(OPTS, r.fn)), 'answer');
  assert.equal(r.calls(), 8);
  const forever = flaky();
  await assert.rejects(inOperation({ what: 'signing a/b:v1' }, () => withRetries(OPTS, forever.fn)), rejectsWith(/\(after 9 attempts\)\.$/));
  assert.equal(forever.calls(), 9);
});

test('the budget is shared by the requests of one operation', async () => {
  const first = flaky(2);
  const second = flaky();
  await assert.rejects(
    inOperation({ what: 'signing a/b:v1', retryReserve: 3 }, async () => {
      assert.equal(await withRetries(OPTS, first.fn), 'answer'); // 2 of the 3 retries
      return withRetries(OPTS, second.fn); // 1 left: two attempts, then the budget is spent
    }),
    rejectsWith(/^The registry answered 503 Service Unavailable \(after 2 attempts\)\. Not retried again: signing a\/b:v1 had used all the 3 retries it may make\.$/),
  );
  assert.equal(first.calls(), 3);
  assert.equal(second.calls(), 2);
});

test('requests running at once in one operation draw on the same budget', async () => {
  const requests = Array.from({ length: 4 }, () => flaky());
  const settled = await inOperation({ what: 'pushing', retryReserve: 6 }, () => Promise.allSettled(requests.map((r) => withRetries(OPTS, r.fn))));
  assert.ok(settled.every((s) => s.status === 'rejected'));
  const attempts = requests.reduce((n, r) => n + r.calls(), 0);
  assert.equal(attempts, 4 + 6, 'one first attempt each, plus the 6 retries of the budget between them');
});

test('the budget is not shared across operations', async () => {
  const a = flaky(3);
  const b = flaky(3);
  const [ra, rb] = await Promise.all([
    inOperation({ what: 'checking a', retryReserve: 3 }, () => withRetries(OPTS, a.fn)),
    inOperation({ what: 'checking b', retryReserve: 3 }, () => withRetries(OPTS, b.fn)),
  ]);
  assert.deepEqual([ra, rb], ['answer', 'answer']);
  assert.deepEqual([a.calls(), b.calls()], [4, 4]);
});

test('answered requests earn retries: a fifth of one each', async () => {
  const r = flaky(2);
  await assert.rejects(inOperation({ what: 'x', retryReserve: 0 }, () => withRetries(OPTS, r.fn)), rejectsWith(/^The registry answered 503 Service Unavailable\. Not retried again: x had used all the 0 retries it may make\.$/));
  const r2 = flaky(2);
  const answer = await inOperation({ what: 'x', retryReserve: 0 }, async () => {
    for (let i = 0; i < 10; i++) currentOperation()!.answered();
    return withRetries(OPTS, r2.fn);
  });
  assert.equal(answer, 'answer');
  assert.equal(r2.calls(), 3, 'ten answers earned the two retries it needed');
});

test('putManifest-style requests (no retries at all) stay at one attempt inside an operation', async () => {
  const r = flaky();
  await assert.rejects(inOperation({ what: 'x' }, () => withRetries({ ...OPTS, maxRetries: 0, maxRetriesInOperation: 0 }, r.fn)), rejectsWith(/503 Service Unavailable\.$/));
  assert.equal(r.calls(), 1);
});

test('a Retry-After that ends past the operation\'s deadline ends it at once, saying so', async () => {
  const r = flaky(Infinity, 5_000);
  const started = Date.now();
  await assert.rejects(
    inOperation({ what: 'checking one image', budgetMs: 2_000 }, () => withRetries(OPTS, r.fn)),
    rejectsWith(/^The registry answered 503 Service Unavailable\. Not retried again: trying again in 5 s would pass the time allowed for checking one image\.$/),
  );
  assert.ok(Date.now() - started < 1_000, 'did not wait for the Retry-After');
  assert.equal(r.calls(), 1);
});

test('a Retry-After within the deadline is honoured', async () => {
  const r = flaky(1, 300);
  const started = Date.now();
  assert.equal(await inOperation({ what: 'x', budgetMs: 5_000 }, () => withRetries(OPTS, r.fn)), 'answer');
  assert.ok(Date.now() - started >= 290, 'waited as asked');
});

test('the wall-clock budget ends the operation, aborts its signal, and names the last problem', async () => {
  // The first attempt fails; the second never settles (as a request trickling its answer would).
  let calls = 0;
  const fn = () => {
    calls += 1;
    return calls === 1 ? flaky(1).fn() : new Promise<string>(() => { /* never */ });
  };
  let signal: AbortSignal | undefined;
  const started = Date.now();
  await assert.rejects(
    inOperation({ what: 'checking one image', budgetMs: 300 }, () => {
      signal = currentOperation()!.signal;
      return withRetries(OPTS, fn);
    }),
    (e: unknown) => {
      assert.ok(e instanceof SignetError);
      assert.equal(e.code, 'NETWORK');
      assert.equal(e.message, 'Gave up after 0.3 s, the time allowed for checking one image. The last problem: 503 for GET /v2/x (call 1).');
      return true;
    },
  );
  const took = Date.now() - started;
  assert.ok(took >= 290 && took < 1_000, `ended at the budget (${took} ms)`);
  assert.equal(signal?.aborted, true, 'what is still in flight is aborted');
  assert.equal(calls, 2);
});

test('an operation without a budget of its own inside another is part of it; one with a budget ends with it', async () => {
  await inOperation({ what: 'the push' }, async () => {
    const outer = currentOperation();
    await inOperation({ what: 'signing' }, async () => assert.equal(currentOperation(), outer));
    await inOperation({ what: 'inner', budgetMs: 10_000 }, async () => assert.notEqual(currentOperation(), outer));
  });
  await assert.rejects(
    inOperation({ what: 'outer', budgetMs: 200 }, () => inOperation({ what: 'inner', budgetMs: 10_000 }, () => new Promise(() => { /* never */ }))),
    rejectsWith(/^Gave up after 0\.2 s, the time allowed for outer\.$/),
  );
  assert.equal(currentOperation(), undefined);
});

test('full jitter: delays are spread over [0, min(15 s, base * 2^(attempt-1))]', () => {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const cap = Math.min(15_000, 200 * 2 ** (attempt - 1));
    assert.equal(retryDelay(attempt, 200, undefined, () => 0), 0);
    assert.equal(retryDelay(attempt, 200, undefined, () => 0.999_999), cap);
    const samples = Array.from({ length: 1_000 }, () => retryDelay(attempt, 200));
    let min = Infinity;
    let max = -Infinity;
    for (const d of samples) {
      assert.ok(Number.isInteger(d) && d >= 0 && d <= cap, `attempt ${attempt}: ${d} within [0, ${cap}]`);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assert.ok(min < cap / 4 && max > (3 * cap) / 4, `attempt ${attempt}: spread over the range (${min}..${max} of ${cap})`);
  }
  assert.equal(retryDelay(1, 200, 3_000), 3_000, 'Retry-After as asked');
  assert.equal(retryDelay(1, 200, 3_600_000), 60_000, 'at most a minute');
});

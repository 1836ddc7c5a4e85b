// The images.list progress events (electron/host/list-progress.ts): the names in one event before
// any row, rows in batches no more than about ten a second however fast they come, every row
// delivered, a row's later version (with facts) in place of its unsent earlier one, and nothing
// sent after close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { listProgress } from '../../../electron/host/list-progress.js';
import type { ProgressEvent } from '../../../shared/api.js';
import type { ImageListing } from '../../../electron/engine/image-facts.js';

const row = (image: string): ImageListing => ({ image, verdict: 'unsigned', message: 'unsigned', signers: [], signatures: [] });

test('names first, then rows in batches at most about ten a second, each row delivered', async () => {
  const events: Array<ProgressEvent & { at: number }> = [];
  const p = listProgress((e) => events.push({ ...e, at: Date.now() }), 'op1', 'reg/app');
  const names = Array.from({ length: 300 }, (_, i) => `reg/app:v${i}`);
  p.observer.onListed!(names);
  const start = Date.now();
  for (const [i, name] of names.entries()) {
    p.observer.onResult!(row(name), i);
    if (i % 10 === 9) await sleep(30); // 300 rows over about a second
  }
  await sleep(150);
  const elapsed = Date.now() - start;
  p.finish();

  assert.deepEqual(events[0], { opId: 'op1', message: 'Listing the images of reg/app…', at: events[0]!.at });
  assert.deepEqual(events[1]!.listed, names);
  assert.ok(events.every((e) => e.opId === 'op1'));
  const batches = events.filter((e) => e.rows);
  assert.deepEqual(batches.flatMap((e) => e.rows!.map((r) => r.image)), names, 'every row, once, in order');
  assert.ok(batches.length >= 3, `rows were held back until the end (${batches.length} batches)`);
  assert.ok(batches.length <= Math.ceil(elapsed / 100) + 1, `${batches.length} batches in ${elapsed} ms`);
  for (let i = 1; i < batches.length; i++) assert.ok(batches[i]!.at - batches[i - 1]!.at >= 95, `batch ${i} came ${batches[i]!.at - batches[i - 1]!.at} ms after the one before`);
  assert.equal(events.at(-1)!.message, 'Checked 300 of 300 images');
});

test('a row\'s facts replace its unsent verdict; the batch goes out without waiting for more', async () => {
  const events: ProgressEvent[] = [];
  const p = listProgress((e) => events.push(e), 'op2', 'reg/app');
  p.observer.onListed!(['a', 'b']);
  p.observer.onResult!(row('a'), 0);
  p.observer.onFacts!({ ...row('a'), platforms: ['linux/amd64'], created: '2024-01-01T00:00:00Z' }, 0);
  await sleep(20);
  const batch = events.filter((e) => e.rows);
  assert.equal(batch.length, 1, 'the first batch is sent at once, not after the interval');
  assert.deepEqual(batch[0]!.rows, [{ ...row('a'), platforms: ['linux/amd64'], created: '2024-01-01T00:00:00Z' }]);
  p.observer.onResult!(row('b'), 1);
  p.close();
  await sleep(150);
  assert.equal(events.filter((e) => e.rows).length, 1, 'nothing is sent after close');
});

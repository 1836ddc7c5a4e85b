// Tag lists as they enter Signet (issue 11, findings 3 and 4), against the hostile registry double
// (test/helpers/hostile-registry.ts: a node:http stand-in, since no real registry serves a tag
// named `v1@sha256:…`, 130,000 tags on one page, or rel="next" pages without end):
//  - names outside the OCI tag grammar are skipped and counted, never returned;
//  - one page of 130,000 names is a LIMIT_EXCEEDED error in words, not "Maximum call stack size
//    exceeded" (the argument spread `tags.push(...page.tags)` threw on main);
//  - endless pages of 100,000 names stop at the second page with LIMIT_EXCEEDED;
//  - a TagBudget shared by a listing's repositories bounds them together;
//  - endless empty pages stop at 10,000 pages with an error (on main: 100,000 pages, then a silent stop).
// The child-process memory measurement of the endless case is in test/integration/hostile-listings.test.ts.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../electron/engine/registry/client.js';
import { MAX_TAGS_PER_REPOSITORY, TagBudget, parseTagPage } from '../../../electron/engine/registry/tag-list.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { startHostileRegistry, type HostileRegistry } from '../../helpers/hostile-registry.js';

let reg: HostileRegistry;
let client: RegistryClient;
before(async () => {
  reg = await startHostileRegistry();
  client = new RegistryClient({ credentials: async () => null, retryBaseMs: 1, maxRetries: 1 });
});
after(async () => {
  await client.close();
  await reg.stop();
});
beforeEach(() => {
  reg.requests.length = 0;
});

const repo = { registry: '', repository: 'team/app' };
const app = () => ({ ...repo, registry: reg.host });
const limitExceeded = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, `a SignetError, not ${String(e)}`);
  assert.equal(e.code, 'LIMIT_EXCEEDED', e.message);
  assert.match(e.message, re);
  return true;
};
const names = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('names outside the tag grammar are skipped and counted; each valid tag comes back once', async () => {
  const unsigned = `sha256:${'a'.repeat(64)}`;
  const hostile = [`v1@${unsigned}`, 'v2\n127.0.0.1/team/app:v9  verified by alice', '\u001b[2J', '.hidden', '-x', '', 'x'.repeat(129), 'a/b', 'v1:latest', 'ü'];
  const sig = `sha256-${'b'.repeat(64)}.sig`;
  reg.setTags('team/app', () => ({ tags: ['v1', ...hostile, sig, 'v1', 'x'.repeat(128)] }));
  assert.deepEqual(await client.listTags(app()), { tags: ['v1', sig, 'x'.repeat(128)], invalid: hostile.length });
  assert.deepEqual(parseTagPage(Buffer.from(JSON.stringify({ tags: ['ok', 'not ok'] })), 'x'), { tags: ['ok'], entries: 2 });
  assert.throws(() => parseTagPage(Buffer.from('{"tags":["ok",1]}'), 'the tags'), (e: unknown) => e instanceof SignetError && e.code === 'REGISTRY_ERROR');
});

test('one page of 130,000 tags is a LIMIT_EXCEEDED error in words, not a stack overflow; 100,000 on one page list', async () => {
  const big = names(130_000);
  reg.setTags('team/app', () => ({ tags: big }));
  await assert.rejects(client.listTags(app()), limitExceeded(new RegExp(`lists more than 100,000 tags for ${reg.host.replace(/\./g, '\\.')}/team/app, the most Signet reads for one repository; name the images to check as .*/team/app:TAG`)));
  reg.setTags('team/app', () => ({ tags: names(MAX_TAGS_PER_REPOSITORY) }));
  const listed = await client.listTags(app());
  assert.equal(listed.tags.length, MAX_TAGS_PER_REPOSITORY);
  assert.equal(listed.invalid, 0);
});

test('endless rel="next" pages of 100,000 tags each stop at the page that crosses the bound', async () => {
  const page = { tags: Buffer.from(JSON.stringify({ name: 'team/app', tags: names(100_000) })) };
  reg.setTags('team/app', (n) => ({ ...page, next: n + 1 }));
  const started = Date.now();
  await assert.rejects(client.listTags(app()), limitExceeded(/more than 100,000 tags/));
  assert.equal(reg.requests.filter((r) => r.path.includes('/tags/list')).length, 2, 'two pages read, then it stopped');
  assert.ok(Date.now() - started < 30_000, 'bounded in time');
  // Invalid names count too: an endless list of names that are not tags is no cheaper to read.
  reg.requests.length = 0;
  const junk = { tags: Buffer.from(JSON.stringify({ tags: names(60_000, '-') })) };
  reg.setTags('team/app', (n) => ({ ...junk, next: n + 1 }));
  await assert.rejects(client.listTags(app()), limitExceeded(/more than 100,000 tags/));
  assert.equal(reg.requests.length, 2);
});

test('a TagBudget shared by several repositories bounds their tags together, page by page', async () => {
  reg.setTags('team/a', () => ({ tags: names(600) }));
  reg.setTags('team/b', (n) => ({ tags: names(300, `p${n}-`), ...(n < 5 ? { next: n + 1 } : {}) }));
  const budget = new TagBudget(1000, `${reg.host}/team/`);
  assert.equal((await client.listTags({ registry: reg.host, repository: 'team/a' }, { budget })).tags.length, 600);
  assert.equal(budget.spent, false);
  await assert.rejects(client.listTags({ registry: reg.host, repository: 'team/b' }, { budget }),
    limitExceeded(new RegExp(`The repositories under ${reg.host.replace(/\./g, '\\.')}/team/ list more than 1,000 tags together, the most Signet reads for one listing`)));
  assert.equal(reg.requests.filter((r) => r.path.startsWith('/v2/team/b/')).length, 2, 'it stopped at the page that crossed what was left (600 + 300 + 300)');
  assert.equal(budget.spent, true);
});

test('endless empty pages stop at the page bound with LIMIT_EXCEEDED, not silently (a listing cut short hides images)', async () => {
  reg.setTags('team/app', (n) => ({ tags: [], next: n + 1 }));
  await assert.rejects(client.listTags(app()), limitExceeded(new RegExp(`linked more than 10,000 pages of the tags of ${reg.host.replace(/\./g, '\\.')}/team/app, the most Signet reads for one listing`)));
  assert.equal(reg.requests.length, 10_000);
});

// The registry catalog (GET /v2/_catalog): Link pagination on the registry's own origin only (tags too),
// namespace filtering on path-segment boundaries, the page-size fallback distribution needs, the
// plain error for registries without a catalog, and the bound on how many repositories are kept.
// The scripted server (fake-http.ts) stands in for registry behaviours the real test registry
// cannot be made to show (UNSUPPORTED, 405, hostile names, 10,000+ repositories, a foreign link);
// test/integration/namespace-sources.test.ts runs the same against the real registry.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient, nextPage } from '../../../electron/engine/registry/client.js';
import { MAX_REPOSITORIES, isUnderPrefix, normalisePrefix, parseCatalogPage } from '../../../electron/engine/registry/catalog.js';
import { SignetError } from '../../../electron/engine/errors.js';
import { registryError, send, startFake, type FakeServer } from './fake-http.js';

let fake: FakeServer;
let other: FakeServer;
let client: RegistryClient;
before(async () => {
  fake = await startFake();
  other = await startFake(undefined, '127.0.0.2');
  client = new RegistryClient({ credentials: async () => null, retryBaseMs: 1, maxRetries: 1 });
});
after(async () => {
  await client.close();
  await fake.stop();
  await other.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
  other.requests.length = 0;
});

const code = (c: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SignetError, String(e));
  assert.equal(e.code, c, e.message);
  if (re) assert.match(e.message, re);
  return true;
};
const page = (repositories: unknown, link?: string) => (_req: unknown, res: Parameters<typeof send>[0]) =>
  send(res, 200, JSON.stringify({ repositories }), { 'content-type': 'application/json', ...(link ? { link } : {}) });

test('a namespace holds repositories on path-segment boundaries only', () => {
  assert.equal(isUnderPrefix('team/app', 'team'), true);
  assert.equal(isUnderPrefix('team/sub/app', 'team'), true);
  assert.equal(isUnderPrefix('team/sub/app', 'team/sub'), true);
  assert.equal(isUnderPrefix('teamx/app', 'team'), false);
  assert.equal(isUnderPrefix('team-x/app', 'team'), false);
  assert.equal(isUnderPrefix('team', 'team'), false, 'the repository named like the namespace is not under it');
  assert.equal(isUnderPrefix('other/team/app', 'team'), false);
  assert.equal(isUnderPrefix('anything/at/all', ''), true, 'the empty prefix is the whole registry');
  assert.equal(normalisePrefix('/team/'), 'team');
  assert.equal(normalisePrefix('team/sub//'), 'team/sub');
  assert.equal(normalisePrefix(undefined), '');
});

test('nextPage: relative and absolute links on the registry origin are followed; another origin is refused', () => {
  const origin = 'http://r.example:5000';
  const base = new URL(`${origin}/v2/_catalog?n=2`);
  assert.equal(nextPage('</v2/_catalog?last=team%2Fa&n=2>; rel="next"', base, origin, 'r.example:5000', 'the list')?.href, `${origin}/v2/_catalog?last=team%2Fa&n=2`);
  assert.equal(nextPage(`<${origin}/v2/_catalog?last=b&n=2>; rel=next`, base, origin, 'r.example:5000', 'the list')?.href, `${origin}/v2/_catalog?last=b&n=2`);
  assert.equal(nextPage(undefined, base, origin, 'r.example:5000', 'the list'), undefined);
  assert.equal(nextPage('</v2/_catalog?last=a>; rel="prev"', base, origin, 'r.example:5000', 'the list'), undefined);
  for (const foreign of ['http://evil.example/v2/_catalog?last=b', 'https://r.example:5000/v2/_catalog?last=b', 'http://r.example:5001/v2/_catalog', '//evil.example/v2/_catalog']) {
    assert.throws(() => nextPage(`<${foreign}>; rel="next"`, base, origin, 'r.example:5000', 'the list of repositories'),
      code('REGISTRY_ERROR', /linked the next page of the list of repositories to another host .*credentials go only to r\.example:5000/), foreign);
  }
});

test('parseCatalogPage: a list of names, null for none; anything else is an error; a name outside the grammar is set aside', () => {
  const parse = (body: string) => parseCatalogPage(Buffer.from(body), 'r.example', 'the list');
  assert.deepEqual(parse('{"repositories":["a/b","c"]}'), { repositories: ['a/b', 'c'], invalid: [] });
  assert.deepEqual(parse('{"repositories":null}'), { repositories: [], invalid: [] });
  assert.deepEqual(parse('{}'), { repositories: [], invalid: [] });
  assert.throws(() => parse('not json'), code('REGISTRY_ERROR', /not JSON/));
  assert.throws(() => parse('{"repositories":[1]}'), code('REGISTRY_ERROR', /not a list of strings/));
  // Before issue 11 one such name failed the whole listing; now it is skipped and counted (never a request path).
  const tooLong = `a/${'b'.repeat(255 - 'r.example/a/'.length + 1)}`;
  for (const bad of ['../etc', 'a/../b', 'A/b', 'a b', 'a?x=1', '', 'a//b', 'team/app\n', 'team/\u001b[2J', tooLong]) {
    assert.deepEqual(parseCatalogPage(Buffer.from(JSON.stringify({ repositories: ['ok/one', bad] })), 'r.example', 'the list'), { repositories: ['ok/one'], invalid: [bad] }, JSON.stringify(bad));
  }
  assert.deepEqual(parse(JSON.stringify({ repositories: [`a/${'b'.repeat(255 - 'r.example/a/'.length)}`] })).invalid, [], 'a name of exactly 255 characters with its host is valid');
});

test('listRepositories counts the names under the namespace that are not repository names, and lists the rest', async () => {
  fake.handle(page(['team/a', 'team/A', 'team/b\n', 'other/B', 'team/c']));
  assert.deepEqual(await client.listRepositories({ registry: fake.host, prefix: 'team' }), { repositories: ['team/a', 'team/c'], invalid: 2 });
  assert.deepEqual(await client.listRepositories({ registry: fake.host }), { repositories: ['team/a', 'team/c'], invalid: 3 });
});

test('listRepositories follows relative and absolute next links, filters by prefix, and sorts', async () => {
  fake.handle((req, res) => {
    const last = new URL(req.path, 'http://x').searchParams.get('last');
    if (last === null) return page(['team/b', 'other/d'], '</v2/_catalog?last=other%2Fd&n=2>; rel="next"')(req, res);
    if (last === 'other/d') return page(['teamx/c', 'team/a'], `<${fake.url}/v2/_catalog?last=team%2Fa&n=2>; rel="next"`)(req, res);
    return page(['team/sub/e', 'team'])(req, res);
  });
  assert.deepEqual(await client.listRepositories({ registry: fake.host, prefix: 'team' }), { repositories: ['team/a', 'team/b', 'team/sub/e'], invalid: 0 });
  assert.deepEqual(fake.requests.map((r) => r.path), ['/v2/_catalog?n=1000', '/v2/_catalog?last=other%2Fd&n=2', '/v2/_catalog?last=team%2Fa&n=2']);
  assert.deepEqual((await client.listRepositories({ registry: fake.host })).repositories, ['other/d', 'team', 'team/a', 'team/b', 'team/sub/e', 'teamx/c']);
});

test('listRepositories refuses a next link to another host, which gets no request at all', async () => {
  fake.handle(page(['team/a'], `<${other.url}/v2/_catalog?last=team%2Fa>; rel="next"`));
  await assert.rejects(client.listRepositories({ registry: fake.host, prefix: 'team' }), code('REGISTRY_ERROR', new RegExp(`another host \\(${other.host.replace(/\./g, '\\.')}\\)`)));
  assert.equal(other.requests.length, 0);
});

test('listRepositories: a page size the registry refuses (400, as distribution does above its maximum) is asked again without n', async () => {
  fake.handle((req, res) => {
    if (req.path.includes('n=1000')) return registryError(res, 400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested');
    if (req.path === '/v2/_catalog') return page(['team/a', 'team/b'], '</v2/_catalog?last=team%2Fb&n=2>; rel="next"')(req, res);
    return page(['team/c'])(req, res);
  });
  assert.deepEqual((await client.listRepositories({ registry: fake.host, prefix: 'team' })).repositories, ['team/a', 'team/b', 'team/c']);
  assert.deepEqual(fake.requests.map((r) => r.path), ['/v2/_catalog?n=1000', '/v2/_catalog', '/v2/_catalog?last=team%2Fb&n=2']);
  // A 400 to the request without n is an error like any other, not another round.
  fake.handle((req, res) => registryError(res, 400, 'PAGINATION_NUMBER_INVALID', 'still no'));
  await assert.rejects(client.listRepositories({ registry: fake.host }), code('REGISTRY_ERROR', /answered 400.*PAGINATION_NUMBER_INVALID: still no/));
});

test('a registry without a catalog (404, 405, 501, UNSUPPORTED, 403) gets the plain "add each repository" error', async () => {
  const cases: Array<[string, (res: Parameters<typeof send>[0]) => void]> = [
    ['404', (res) => registryError(res, 404, 'NOT_FOUND', 'page not found')],
    ['405', (res) => send(res, 405)],
    ['501', (res) => send(res, 501)],
    ['UNSUPPORTED', (res) => registryError(res, 400, 'UNSUPPORTED', 'The operation is unsupported.')],
    ['403', (res) => registryError(res, 403, 'DENIED', 'requested access to the resource is denied')],
  ];
  for (const [what, answer] of cases) {
    // A 400 that says UNSUPPORTED is not taken for a refused page size.
    fake.handle((_req, res) => answer(res));
    fake.requests.length = 0;
    await assert.rejects(client.listRepositories({ registry: fake.host, prefix: 'team' }),
      code('CATALOG_UNSUPPORTED', new RegExp(`^The registry ${fake.host.replace(/\./g, '\\.')} does not let you list its repositories \\(.*\\); add each repository as its own source`)), what);
    assert.equal(fake.requests.length, 1, `${what}: one request, no retry`);
  }
});

test('a registry that wants credentials nobody gave says so, and that the catalog may be closed anyway', async () => {
  fake.handle((_req, res) => registryError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="r"' }));
  await assert.rejects(client.listRepositories({ registry: fake.host }), code('AUTH_FAILED', /no credentials were found.*Some registries do not let anyone list their repositories/));
});

test(`more than ${MAX_REPOSITORIES} repositories under the namespace is a clear error; others outside it do not count`, async () => {
  const pages = 12;
  fake.handle((req, res) => {
    const k = Number(new URL(req.path, 'http://x').searchParams.get('last') ?? '0');
    // Half of each page is outside the namespace, so 12 pages hold 6,000 inside: not too many.
    const names = Array.from({ length: 1000 }, (_, i) => `${i % 2 === 0 ? 'team' : 'teamx'}/r${String(k * 1000 + i).padStart(6, '0')}`);
    page(names, k + 1 < pages ? `</v2/_catalog?last=${k + 1}>; rel="next"` : undefined)(req, res);
  });
  assert.equal((await client.listRepositories({ registry: fake.host, prefix: 'team' })).repositories.length, 6000);
  fake.requests.length = 0;
  await assert.rejects(client.listRepositories({ registry: fake.host }), code('USAGE', /More than 10,000 repositories are under 127\.0\.0\.1:\d+\/, the most Signet lists at once; add a narrower namespace/));
  assert.equal(fake.requests.length, 11, 'it stops reading at the page that crosses the bound');
});

test('listTags, paginated the same way, refuses a next link to another host too', async () => {
  fake.handle((_req, res) => send(res, 200, '{"tags":["v1"]}', { link: `<${other.url}/v2/a/b/tags/list?last=v1>; rel="next"` }));
  await assert.rejects(client.listTags({ registry: fake.host, repository: 'a/b' }), code('REGISTRY_ERROR', /linked the next page of the tags of .* to another host/));
  assert.equal(other.requests.length, 0);
});

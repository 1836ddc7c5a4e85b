// A namespace listing is not aborted by one repository (issue 11, finding 4). On main a RangeError
// thrown while listing one repository's tags ("Maximum call stack size exceeded" from a hostile
// page) was rethrown by couldNotCheck and took the whole listing down. Here a scripted client
// stands in for the registry, so each failure kind can be staged exactly: an unexpected error, a
// bound, a budget that runs out; test/integration/hostile-listings.test.ts does it over the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceImages } from '../../../electron/engine/sources/registry-namespace.js';
import { formatReference } from '../../../electron/engine/content/reference.js';
import { MAX_TAGS_PER_LISTING, tooManyTags, type TagBudget, type TagListing } from '../../../electron/engine/registry/tag-list.js';
import type { RegistryClient, RepoRef } from '../../../electron/engine/registry/client.js';

const spec = { kind: 'namespace' as const, input: 'r.example/team/', registry: 'r.example', prefix: 'team' };

function scripted(repositories: string[], invalid: number, listTags: (repo: RepoRef, budget: TagBudget | undefined) => Promise<TagListing>): { client: RegistryClient; asked: string[] } {
  const asked: string[] = [];
  const client = {
    listRepositories: async () => ({ repositories, invalid }),
    listTags: async (repo: RepoRef, opts: { budget?: TagBudget } = {}) => {
      asked.push(repo.repository);
      return listTags(repo, opts.budget);
    },
  } as unknown as RegistryClient;
  return { client, asked };
}

test('an unexpected error, or a bound, in one repository makes that repository a could-not-check row; the others are listed', async () => {
  const { client } = scripted(['team/bad', 'team/good', 'team/huge'], 1, async (repo) => {
    if (repo.repository === 'team/bad') throw new RangeError('Maximum call stack size exceeded \u001b[2J');
    if (repo.repository === 'team/huge') throw tooManyTags('r.example/team/huge');
    return { tags: ['v1', `sha256-${'a'.repeat(64)}.sig`], invalid: 2 };
  });
  const got = await namespaceImages(client, spec);
  assert.deepEqual(got.refs.map(formatReference), ['r.example/team/good:v1']);
  assert.deepEqual(got.unlisted.map((r) => [r.image, r.verdict]), [['r.example/team/bad', 'error'], ['r.example/team/huge', 'error']]);
  assert.equal(got.unlisted[0]!.message, 'could not check: Listing the tags of r.example/team/bad failed inside Signet (RangeError); this is a fault in Signet, please report it.');
  assert.match(got.unlisted[1]!.message, /^could not check: The registry lists more than 100,000 tags for r\.example\/team\/huge/);
  assert.deepEqual(got.skipped.map((s) => s.message), [
    'skipped 1 repository name under r.example/team/ that is not a valid repository name',
    'skipped 2 tags of r.example/team/good that are not valid tag names',
  ]);
});

test(`the tags of all repositories together are bounded (${MAX_TAGS_PER_LISTING.toLocaleString('en-US')}); once spent, the rest are could-not-check rows without a request`, async () => {
  const { client, asked } = scripted(['team/a', 'team/b', 'team/c', 'team/d'], 0, async (repo, budget) => {
    budget!.take(300_000); // each repository's one page holds 300,000 names
    return { tags: [`${repo.repository.slice(5)}1`], invalid: 0 };
  });
  const got = await namespaceImages(client, spec, { concurrency: 1 });
  assert.deepEqual(got.refs.map(formatReference), ['r.example/team/a:a1']);
  assert.deepEqual(got.unlisted.map((r) => r.image), ['r.example/team/b', 'r.example/team/c', 'r.example/team/d']);
  for (const r of got.unlisted) assert.match(r.message, /^could not check: The repositories under r\.example\/team\/ list more than 500,000 tags together, the most Signet reads for one listing/);
  assert.deepEqual(asked, ['team/a', 'team/b'], 'team/c and team/d were not asked for once the budget was spent');
});

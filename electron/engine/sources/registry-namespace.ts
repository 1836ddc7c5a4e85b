import pLimit from 'p-limit';
import { SignetError, isSignetError } from '../errors.js';
import { repositoryName, withTag, type Reference } from '../content/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { namespaceName } from '../registry/catalog.js';
import { MAX_TAGS_PER_LISTING, TagBudget } from '../registry/tag-list.js';
import { skippedRepositories, skippedTags, type SkippedNames } from '../registry/skipped-names.js';
import { imageTags } from './registry-source.js';
import type { SourceSpec } from './transport.js';
import { couldNotCheck, type VerifyResult } from '../verify.js';

type NamespaceSpec = Extract<SourceSpec, { kind: 'namespace' }>;

/**
 * Every tagged image of every repository under a registry namespace (`HOST/PREFIX/`, or `HOST/`
 * for the whole catalog), as references by tag: repositories sorted, tags sorted within each,
 * signature tags left out. A repository whose tags cannot be listed (no pull access, more tags
 * than Signet reads, a failure of any kind) does not hide the others: it comes back in `unlisted`
 * as a "could not check" row. The tags of all repositories together are bounded
 * (MAX_TAGS_PER_LISTING); once that is spent, the repositories not yet listed are such rows too.
 * Names the registry listed that are not names are in `skipped`, counted. `onStatus` hears what
 * is going on, for progress lines.
 */
export async function namespaceImages(
  client: RegistryClient,
  spec: NamespaceSpec,
  opts: { concurrency?: number; onStatus?: (message: string) => void } = {},
): Promise<{ refs: Reference[]; unlisted: VerifyResult[]; tags: Map<string, string[]>; skipped: SkippedNames[] }> {
  const where = namespaceName(spec.registry, spec.prefix);
  opts.onStatus?.(`Listing the repositories under ${where}…`);
  const { repositories, invalid } = await client.listRepositories({ registry: spec.registry, prefix: spec.prefix });
  const skipped: SkippedNames[] = invalid > 0 ? [skippedRepositories(where, invalid)] : [];
  const budget = new TagBudget(MAX_TAGS_PER_LISTING, where);
  const limit = pLimit(opts.concurrency ?? 32);
  const unlisted: VerifyResult[] = [];
  const tags = new Map<string, string[]>();
  const skippedTagsOf: SkippedNames[] = [];
  let listed = 0;
  const perRepository = await Promise.all(repositories.map((repository) => limit(async () => {
    // tag 'latest' is only a placeholder: the reference names the repository whose tags are listed.
    const repo: Reference = { registry: spec.registry, repository, tag: 'latest' };
    const name = repositoryName(repo);
    try {
      if (budget.spent) throw budget.error();
      const listing = await client.listTags(repo, { budget });
      tags.set(name, listing.tags);
      if (listing.invalid > 0) skippedTagsOf.push(skippedTags(name, listing.invalid));
      return imageTags(listing.tags).map((t) => withTag(repo, t));
    } catch (e) {
      unlisted.push(couldNotList(name, e));
      return [];
    } finally {
      listed += 1;
      opts.onStatus?.(`Listed the tags of ${listed} of ${repositories.length} repositories under ${where}…`);
    }
  })));
  skippedTagsOf.sort((a, b) => a.where.localeCompare(b.where));
  for (const s of skippedTagsOf) skipped.push(s);
  return { refs: perRepository.flat(), unlisted: unlisted.sort((a, b) => a.image.localeCompare(b.image)), tags, skipped };
}

/**
 * One repository's listing failing must not abort the others. A SignetError is its could-not-check
 * row as it is; anything else (a RangeError from a hostile answer, say) is one too, with a message
 * that names only the error's kind, since its text may carry what the registry sent. Programming
 * errors surface the same way, as a row saying Signet failed, which every namespace test would see.
 */
function couldNotList(repository: string, e: unknown): VerifyResult {
  if (isSignetError(e)) return couldNotCheck(repository, e);
  const kind = e instanceof Error && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : 'error';
  return couldNotCheck(repository, new SignetError('REGISTRY_ERROR', `Listing the tags of ${repository} failed inside Signet (${kind}); this is a fault in Signet, please report it.`, { cause: kind }));
}

/** For the operations that take one image: a namespace is many, so say what to write instead. */
export function notOneImage(spec: NamespaceSpec): SignetError {
  return new SignetError('USAGE', `${spec.input} names every repository under a namespace, not one image; name the image as HOST/REPOSITORY:TAG (signet images ${spec.input} lists them).`);
}

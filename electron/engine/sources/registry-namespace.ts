import pLimit from 'p-limit';
import { SignetError } from '../errors.js';
import { repositoryName, withTag, type Reference } from '../content/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { namespaceName } from '../registry/catalog.js';
import { imageTags } from './registry-source.js';
import type { SourceSpec } from './transport.js';
import { couldNotCheck, type VerifyResult } from '../verify.js';

type NamespaceSpec = Extract<SourceSpec, { kind: 'namespace' }>;

/**
 * Every tagged image of every repository under a registry namespace (`HOST/PREFIX/`, or `HOST/`
 * for the whole catalog), as references by tag: repositories sorted, tags sorted within each,
 * signature tags left out. A repository whose tags cannot be listed (no pull access, say) does
 * not hide the others: it comes back in `unlisted` as a "could not check" row. `onStatus`
 * hears what is going on, for progress lines.
 */
export async function namespaceImages(
  client: RegistryClient,
  spec: NamespaceSpec,
  opts: { concurrency?: number; onStatus?: (message: string) => void } = {},
): Promise<{ refs: Reference[]; unlisted: VerifyResult[]; tags: Map<string, string[]> }> {
  const where = namespaceName(spec.registry, spec.prefix);
  opts.onStatus?.(`Listing the repositories under ${where}…`);
  const repositories = await client.listRepositories({ registry: spec.registry, prefix: spec.prefix });
  const limit = pLimit(opts.concurrency ?? 32);
  const unlisted: VerifyResult[] = [];
  const tags = new Map<string, string[]>();
  let listed = 0;
  const perRepository = await Promise.all(repositories.map((repository) => limit(async () => {
    // tag 'latest' is only a placeholder: the reference names the repository whose tags are listed.
    const repo: Reference = { registry: spec.registry, repository, tag: 'latest' };
    try {
      const all = await client.listTags(repo);
      tags.set(repositoryName(repo), all);
      return imageTags(all).map((t) => withTag(repo, t));
    } catch (e) {
      unlisted.push(couldNotCheck(repositoryName(repo), e));
      return [];
    } finally {
      listed += 1;
      opts.onStatus?.(`Listed the tags of ${listed} of ${repositories.length} repositories under ${where}…`);
    }
  })));
  return { refs: perRepository.flat(), unlisted: unlisted.sort((a, b) => a.image.localeCompare(b.image)), tags };
}

/** For the operations that take one image: a namespace is many, so say what to write instead. */
export function notOneImage(spec: NamespaceSpec): SignetError {
  return new SignetError('USAGE', `${spec.input} names every repository under a namespace, not one image; name the image as HOST/REPOSITORY:TAG (signet images ${spec.input} lists them).`);
}

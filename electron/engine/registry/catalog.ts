import { SignetError } from '../errors.js';
import { isRepositoryPath } from '../content/reference.js';

/**
 * The pieces of a registry catalog listing (`GET /v2/_catalog`, docker registry API v2) that do
 * not need the network: which repositories a namespace holds, how a page reads, and the errors in
 * words. RegistryClient.listRepositories does the requests.
 */

/**
 * What we ask for per page. distribution refuses an `n` above its configured maximum (1000 by
 * default) with 400 PAGINATION_NUMBER_INVALID; the client then asks again without `n`.
 */
export const CATALOG_PAGE_SIZE = 1000;

/** More repositories than this under one namespace is an error, not an ever-growing list in memory. */
export const MAX_REPOSITORIES = 10_000;

/** The token scope the catalog needs (docker token spec). */
export const CATALOG_SCOPE = 'registry:catalog:*';

/** `team/`, `/team` and `team` are the same namespace; '' is the whole registry. */
export function normalisePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}

/** True when `repository` is under `prefix` on a path-segment boundary: `team` holds `team/app`, not `teamx/app`. */
export function isUnderPrefix(repository: string, prefix: string): boolean {
  return prefix === '' || repository.startsWith(`${prefix}/`);
}

/** `host/` or `host/team/`, as the user wrote the namespace. */
export function namespaceName(registry: string, prefix: string): string {
  return prefix === '' ? `${registry}/` : `${registry}/${prefix}/`;
}

/** The repository names of one catalog page; `what` names the listing in messages. */
export function parseCatalogPage(bytes: Uint8Array, what: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new SignetError('REGISTRY_ERROR', `The registry's answer for ${what} is not JSON.`);
  }
  const repositories = (json as { repositories?: unknown })?.repositories;
  if (repositories === null || repositories === undefined) return []; // an empty registry
  if (!Array.isArray(repositories) || repositories.some((r) => typeof r !== 'string')) {
    throw new SignetError('REGISTRY_ERROR', `The registry's answer for ${what} has a "repositories" field that is not a list of strings.`);
  }
  // A name outside the grammar would become a request path of our choosing; refuse it.
  const bad = (repositories as string[]).find((r) => !isRepositoryPath(r));
  if (bad !== undefined) {
    throw new SignetError('REGISTRY_ERROR', `The registry's answer for ${what} names a repository "${bad.replace(/[^\x20-\x7e]/g, '?').slice(0, 100)}" that is not a valid repository name.`);
  }
  return repositories as string[];
}

export function catalogUnsupported(registry: string, why: string): SignetError {
  return new SignetError(
    'CATALOG_UNSUPPORTED',
    `The registry ${registry} does not let you list its repositories (${why}); add each repository as its own source (${registry}/REPOSITORY).`,
    { registry },
  );
}

export function tooManyRepositories(registry: string, prefix: string): SignetError {
  return new SignetError(
    'USAGE',
    `More than ${MAX_REPOSITORIES.toLocaleString('en-US')} repositories are under ${namespaceName(registry, prefix)}, the most Signet lists at once; add a narrower namespace (${registry}/NAMESPACE/) or single repositories instead.`,
    { registry, prefix },
  );
}

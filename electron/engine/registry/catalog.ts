import { SignetError } from '../errors.js';
import { isRepositoryOf } from '../content/reference.js';
import { namesOnPage } from './listing-page.js';

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

/** One catalog page: the names the grammar allows, and the rest (never used as request paths, never shown). */
export interface CatalogPage {
  repositories: string[];
  invalid: string[];
}

/** What a namespace's catalog listing held: its repositories, sorted, and how many names under it were not repository names. */
export interface RepositoryListing {
  repositories: string[];
  invalid: number;
}

/**
 * The repository names of one catalog page of `registry`; `what` names the listing in messages.
 * A name outside the grammar would become a request path of the registry's choosing and a row
 * name that is not a repository: it is set aside, so the caller can count it.
 */
export function parseCatalogPage(bytes: Uint8Array, registry: string, what: string): CatalogPage {
  const page: CatalogPage = { repositories: [], invalid: [] };
  for (const name of namesOnPage(bytes, 'repositories', what)) (isRepositoryOf(registry, name) ? page.repositories : page.invalid).push(name);
  return page;
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

import { SignetError } from '../errors.js';
import { isTagName } from '../content/reference.js';
import { namesOnPage } from './listing-page.js';

/**
 * A repository's tag list (`GET /v2/<name>/tags/list`) as it enters Signet: every name checked
 * against the OCI tag grammar, and bounds on how many names are read. RegistryClient.listTags does
 * the requests; this module has what needs no network.
 *
 * A registry is not trusted to send tag names: `v1@sha256:<other digest>` printed as a verified
 * row names an image nobody checked, and a newline or escape sequence forges output lines. Names
 * outside the grammar are skipped and counted, so the count can be shown; they are never printed.
 */

/**
 * The most tag names read for one repository. Docker Hub repositories with tens of thousands of
 * tags exist (nightly builds, one tag per commit), so 100,000 leaves room for them, while a
 * registry that pages without end stops after a few pages: 100,000 names of at most 128
 * characters are at most about 13 MB held, and checking that many images takes hours anyway.
 */
export const MAX_TAGS_PER_REPOSITORY = 100_000;

/**
 * The most tag names read for one listing of many repositories (a namespace). Five full-size
 * repositories' worth; the rest of a bigger namespace is named as could-not-check rows.
 */
export const MAX_TAGS_PER_LISTING = 500_000;

/** What a repository's tag list held: the valid tags (each once) and how many names were not tags. */
export interface TagListing {
  tags: string[];
  /** Names skipped because they are outside the tag grammar (they are not shown). */
  invalid: number;
}

/** One page of a tag list: its valid tags, and how many names it held in all (valid or not). */
export interface TagPage {
  tags: string[];
  entries: number;
}

export function parseTagPage(bytes: Uint8Array, what: string): TagPage {
  const names = namesOnPage(bytes, 'tags', what);
  const tags: string[] = [];
  for (const name of names) if (isTagName(name)) tags.push(name);
  return { tags, entries: names.length };
}

/**
 * A count of tag names shared by every repository of one listing: each page's names are taken
 * from it as the page arrives, and the page that takes more than is left fails with
 * LIMIT_EXCEEDED. Once spent, repositories not yet listed are not asked for at all.
 */
export class TagBudget {
  private used = 0;

  constructor(private readonly limit: number, private readonly where: string) {}

  get spent(): boolean {
    return this.used >= this.limit;
  }

  take(names: number): void {
    this.used += names;
    if (this.used > this.limit) throw this.error();
  }

  error(): SignetError {
    return new SignetError(
      'LIMIT_EXCEEDED',
      `The repositories under ${this.where} list more than ${this.limit.toLocaleString('en-US')} tags together, the most Signet reads for one listing; list a narrower namespace or single repositories.`,
      { limit: this.limit },
    );
  }
}

/** `repository` is `host/name`, as shown. */
export function tooManyTags(repository: string): SignetError {
  return new SignetError(
    'LIMIT_EXCEEDED',
    `The registry lists more than ${MAX_TAGS_PER_REPOSITORY.toLocaleString('en-US')} tags for ${repository}, the most Signet reads for one repository; name the images to check as ${repository}:TAG instead.`,
    { repository, limit: MAX_TAGS_PER_REPOSITORY },
  );
}

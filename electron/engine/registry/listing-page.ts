import { SignetError } from '../errors.js';

/**
 * The names one page of a registry listing holds: `field` of the JSON body ("tags" of a tag list,
 * "repositories" of the catalog), a list of strings; null or absent is none (distribution sends
 * `"tags": null` for an empty repository). Anything else is REGISTRY_ERROR; `what` names the
 * listing in messages. The names are not checked here: each listing checks its own grammar.
 */
export function namesOnPage(bytes: Uint8Array, field: 'tags' | 'repositories', what: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new SignetError('REGISTRY_ERROR', `The registry's answer for ${what} is not JSON.`);
  }
  const names = (json as Record<string, unknown> | null)?.[field];
  if (names === null || names === undefined) return [];
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new SignetError('REGISTRY_ERROR', `The registry's answer for ${what} has a "${field}" field that is not a list of strings.`);
  }
  return names as string[];
}

/**
 * The most pages read for one listing (a repository's tags, the catalog). Pages can be empty, so
 * the bounds on names do not stop a registry that links page after page; 10,000 pages hold the
 * 100,000 tags Signet reads for a repository even at 10 a page (Docker Hub serves at most 100).
 * Beyond it the listing fails rather than end early: a listing cut short hides images.
 */
export const MAX_LISTING_PAGES = 10_000;

export function tooManyPages(what: string): SignetError {
  return new SignetError('LIMIT_EXCEEDED', `The registry linked more than ${MAX_LISTING_PAGES.toLocaleString('en-US')} pages of ${what}, the most Signet reads for one listing.`, { limit: MAX_LISTING_PAGES });
}

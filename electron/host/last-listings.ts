/**
 * The last complete Images listing of each source, as this host answered it: what a
 * confirmation dialog ("2 images will show revoked") is computed from. Kept in memory only, for
 * as long as the host runs; nothing is known before the first listing, and the dialog says so.
 */
import type { ImageRow } from '../../shared/api.js';

export interface Listing {
  sourceId: string;
  at: Date;
  rows: readonly ImageRow[];
}

const byDataDir = new Map<string, Map<string, Listing>>();

export function rememberListing(dataDir: string, sourceId: string, rows: readonly ImageRow[], at = new Date()): void {
  let listings = byDataDir.get(dataDir);
  if (listings === undefined) {
    listings = new Map();
    byDataDir.set(dataDir, listings);
  }
  listings.set(sourceId, { sourceId, at, rows });
}

/** A source that is no longer in the list no longer counts. */
export function forgetListing(dataDir: string, sourceId: string): void {
  byDataDir.get(dataDir)?.delete(sourceId);
}

export function lastListings(dataDir: string): Listing[] {
  return [...(byDataDir.get(dataDir)?.values() ?? [])];
}

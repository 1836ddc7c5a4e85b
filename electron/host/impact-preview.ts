/**
 * The words of a confirmation dialog: what revoking, restoring or removing a teammate, deleting
 * an own key or removing a registry will do to the images, from the last listing of each source
 * this host made (last-listings.ts). When no source has been listed since the host started, it
 * says that it does not know, and what rule the change follows.
 */
import { SignetError } from '../engine/errors.js';
import { TrustStore } from '../engine/trust/trust-store.js';
import { findKey, readKeyMetadata } from '../engine/keystore/key-metadata.js';
import { RegistryStore, SourceStore } from './host-stores.js';
import { lastListings, type Listing } from './last-listings.js';
import { keyChangeImpact, type ImageImpact, type KeyChange } from './change-impact.js';
import type { ImpactChange, ImpactView, Source, Verdict } from '../../shared/api.js';
import type { SecretBackend } from '../engine/keystore/secret-backend.js';

const VERDICT_SAID: Record<Verdict, string> = {
  verified: 'verified', 'unknown-key': 'signed by an unknown key', invalid: 'INVALID', revoked: 'revoked', unsigned: 'unsigned', error: 'could not check',
};
/** How many images a view names; the count covers them all. */
const MAX_NAMED = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "team/app:1.0, team/app:1.1 and 3 more". */
function someNames(images: readonly string[], max = 3): string {
  const named = images.slice(0, max).join(', ');
  return images.length > max ? `${named} and ${images.length - max} more` : named;
}

/** The listings of sources still in the list, and how many sources there are. */
async function currentListings(dataDir: string): Promise<{ listings: Listing[]; sources: Source[] }> {
  const sources = await new SourceStore(dataDir).list();
  const ids = new Set(sources.map((s) => s.id));
  return { listings: lastListings(dataDir).filter((l) => ids.has(l.sourceId)), sources };
}

function checkedWhen(listings: readonly Listing[], sources: readonly Source[]): string {
  const images = listings.reduce((n, l) => n + l.rows.length, 0);
  const oldest = listings.reduce((t, l) => (l.at < t ? l.at : t), listings[0]!.at);
  const missing = sources.length - listings.length;
  return `From the last check of ${plural(listings.length, 'source')} (${plural(images, 'image')}, the oldest at ${oldest.toLocaleTimeString()})${missing > 0 ? `; ${plural(missing, 'source')} not checked since Signet started ${missing === 1 ? 'is' : 'are'} not counted` : ''}.`;
}

async function keyImpact(dataDir: string, change: KeyChange, who: string, fingerprint: string): Promise<ImpactView> {
  const rule = { revoke: `images verified only by ${who} will show revoked`, remove: `images verified only by ${who} will no longer show verified`, restore: `images revoked because of ${who} will show verified again` }[change];
  const { listings, sources } = await currentListings(dataDir);
  if (listings.length === 0) {
    return { known: false, count: 0, images: [], message: `No images have been checked since Signet started, so which images change is not known: ${rule}.` };
  }
  const moved: ImageImpact[] = [];
  for (const l of listings) for (const m of keyChangeImpact(l.rows, change, fingerprint)) moved.push(m);
  const groups = new Map<Verdict, string[]>();
  for (const m of moved) groups.set(m.to, [...(groups.get(m.to) ?? []), m.image]);
  const said = [...groups].map(([to, images]) => `${plural(images.length, 'image')} will show ${VERDICT_SAID[to]}: ${someNames(images)}.`);
  const message = moved.length === 0 ? `No image changes: ${rule}, and there are none. ${checkedWhen(listings, sources)}` : `${said.join(' ')} ${checkedWhen(listings, sources)}`;
  return { known: true, count: moved.length, images: moved.slice(0, MAX_NAMED), message };
}

async function registryImpact(dataDir: string, host: string, backend?: SecretBackend): Promise<ImpactView> {
  const entry = (await new RegistryStore(dataDir, ...(backend ? [backend] : [])).list()).find((r) => r.host === host);
  if (!entry) throw new SignetError('NOT_FOUND', `${host} is not in the list of registries.`);
  const { listings, sources } = await currentListings(dataDir);
  const onHost = sources.filter((s) => (s.kind === 'registry' || s.kind === 'namespace') && s.location.split('/')[0] === host);
  const images = listings.filter((l) => onHost.some((s) => s.id === l.sourceId)).reduce((n, l) => n + l.rows.length, 0);
  const uses = onHost.length === 0
    ? `No source uses ${host}.`
    : `${plural(onHost.length, 'source')} ${onHost.length === 1 ? 'uses' : 'use'} ${host} (${someNames(onHost.map((s) => s.location))}${images > 0 ? `; ${plural(images, 'image')} at the last check` : ''}).`;
  const after = `Without this entry Signet uses your docker/podman login for ${host} if there is one, else no credentials.`;
  const secret = entry.auth === 'keychain' ? ' The password kept in the OS keychain is deleted.' : '';
  return { known: true, count: images, images: [], message: `${uses} ${after}${secret}` };
}

export async function previewImpact(dataDir: string, change: ImpactChange, name: string, registryBackend?: SecretBackend): Promise<ImpactView> {
  if (change === 'registries.remove') return registryImpact(dataDir, name, registryBackend);
  if (change === 'keys.delete') {
    const key = findKey(await readKeyMetadata(dataDir), name);
    if (!key) throw new SignetError('NOT_FOUND', `There is no key named "${name}".`);
    return keyImpact(dataDir, 'remove', `your key ${key.name}`, key.fingerprint);
  }
  const store = new TrustStore(dataDir);
  const teammate = store.find(await store.list(), name);
  if (!teammate) throw new SignetError('NOT_FOUND', `There is no teammate named "${name}".`);
  const kind = ({ 'trust.revoke': 'revoke', 'trust.remove': 'remove', 'trust.restore': 'restore' } as const)[change];
  return keyImpact(dataDir, kind, `${teammate.name}'s key`, teammate.fingerprint);
}

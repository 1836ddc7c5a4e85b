/**
 * What the desktop hosts remember besides keys and trust: the image sources in the side list
 * (sources.json) and the registries the user added (registries.json; a password, when Signet keeps
 * one, lives in the OS keychain under the service `signet-registry`, never in the file).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expectObject, expectString, optionalString, readJsonFile, withFileLock, writeJsonAtomic, ensureDir } from '../engine/data-dir.js';
import { SignetError } from '../engine/errors.js';
import { KeytarBackend, type SecretBackend } from '../engine/keystore/secret-backend.js';
import { resolveCredential, type Credential } from '../engine/registry/credentials.js';
import { SOURCE_KINDS, type RegistryInfo, type Source, type SourceKind } from '../../shared/api.js';

export const REGISTRY_KEYCHAIN_SERVICE = 'signet-registry';

function label(kind: SourceKind, location: string): string {
  switch (kind) {
    case 'registry': return location;
    case 'namespace': return `Every repository under ${location}/`;
    case 'oci': return `OCI layout ${location}`;
    case 'archive': return `Archive ${location}`;
    case 'engine': return 'Local engine (Docker/Podman)';
  }
}

export function sourceTransport(s: Source): string {
  switch (s.kind) {
    case 'registry': return s.location;
    // The trailing slash is what makes a registry name a namespace (sources/transport.ts).
    case 'namespace': return `${s.location}/`;
    case 'oci': return `oci:${s.location}`;
    case 'archive': return `docker-archive:${s.location}`;
    case 'engine': return 'docker-daemon:';
  }
}

function parseSources(doc: unknown): Source[] {
  const o = expectObject(doc, 'sources.json');
  if (o.version !== 1) throw new Error(`sources.json has version ${JSON.stringify(o.version)}, not 1`);
  if (!Array.isArray(o.sources)) throw new Error('sources.json has no "sources" list');
  return o.sources.map((v, i) => {
    const e = expectObject(v, `source ${i + 1}`);
    const kind = expectString(e, 'kind', `source ${i + 1}`) as SourceKind;
    if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw new Error(`source ${i + 1} has an unknown kind`);
    // A string, possibly empty: the local engine source has no location.
    if (typeof e.location !== 'string') throw new Error(`source ${i + 1} has no "location" string`);
    const location = e.location;
    return { id: expectString(e, 'id', `source ${i + 1}`), kind, location, label: label(kind, location) };
  });
}

export class SourceStore {
  readonly path: string;
  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'sources.json');
  }

  list(): Promise<Source[]> {
    return readJsonFile(this.path, parseSources, () => []);
  }

  async get(id: string): Promise<Source> {
    const s = (await this.list()).find((x) => x.id === id);
    if (!s) throw new SignetError('NOT_FOUND', 'That source is no longer in the list; refresh and pick it again.');
    return s;
  }

  async add(kind: SourceKind, location: string): Promise<Source> {
    await ensureDir(this.dataDir);
    return withFileLock(this.path, async () => {
      const all = await this.list();
      const id = createHash('sha256').update(`${kind}\0${location}`).digest('hex').slice(0, 16);
      const existing = all.find((s) => s.id === id);
      if (existing) return existing;
      const s: Source = { id, kind, location, label: label(kind, location) };
      await writeJsonAtomic(this.path, { version: 1, sources: [...all, s].map(({ label: _l, ...rest }) => rest) });
      return s;
    });
  }

  async remove(id: string): Promise<void> {
    await withFileLock(this.path, async () => {
      const all = await this.list();
      if (!all.some((s) => s.id === id)) throw new SignetError('NOT_FOUND', 'That source is not in the list.');
      await writeJsonAtomic(this.path, { version: 1, sources: all.filter((s) => s.id !== id).map(({ label: _l, ...rest }) => rest) });
    });
  }
}

function parseRegistries(doc: unknown): RegistryInfo[] {
  const o = expectObject(doc, 'registries.json');
  if (o.version !== 1) throw new Error(`registries.json has version ${JSON.stringify(o.version)}, not 1`);
  if (!Array.isArray(o.registries)) throw new Error('registries.json has no "registries" list');
  return o.registries.map((v, i) => {
    const e = expectObject(v, `registry ${i + 1}`);
    const auth = expectString(e, 'auth', `registry ${i + 1}`);
    if (auth !== 'keychain' && auth !== 'docker-login' && auth !== 'none') throw new Error(`registry ${i + 1} has an unknown auth`);
    const username = optionalString(e, 'username', `registry ${i + 1}`);
    return { host: expectString(e, 'host', `registry ${i + 1}`), auth, ...(username !== undefined ? { username } : {}) };
  });
}

export class RegistryStore {
  readonly path: string;
  constructor(private readonly dataDir: string, private readonly backend: SecretBackend = new KeytarBackend(REGISTRY_KEYCHAIN_SERVICE)) {
    this.path = join(dataDir, 'registries.json');
  }

  list(): Promise<RegistryInfo[]> {
    return readJsonFile(this.path, parseRegistries, () => []);
  }

  add(info: RegistryInfo, password?: string): Promise<RegistryInfo> {
    return this.replace(info.host, info, password);
  }

  /**
   * Puts `info` in place of the entry for `oldHost` (or adds it): its host may change, but not to
   * one another entry has. A password kept for the old entry that `info` no longer uses leaves
   * the keychain.
   */
  async replace(oldHost: string, info: RegistryInfo, password?: string): Promise<RegistryInfo> {
    await ensureDir(this.dataDir);
    const before = (await this.list()).find((r) => r.host === oldHost);
    if (info.host !== oldHost && (await this.list()).some((r) => r.host === info.host)) {
      throw new SignetError('ALREADY_EXISTS', `${info.host} is in the list of registries already: edit that entry instead.`);
    }
    // The secret first: a registry listed as "keychain" always has its password there.
    if (info.auth === 'keychain') await this.backend.set(info.host, password ?? '');
    const saved = await withFileLock(this.path, async () => {
      const all = await this.list();
      const at = all.findIndex((r) => r.host === oldHost);
      const rest = all.filter((r) => r.host !== oldHost && r.host !== info.host);
      if (at < 0) rest.push(info); else rest.splice(Math.min(at, rest.length), 0, info);
      await writeJsonAtomic(this.path, { version: 1, registries: rest });
      return info;
    });
    if (before?.auth === 'keychain' && (info.host !== oldHost || info.auth !== 'keychain')) await this.backend.delete(oldHost);
    return saved;
  }

  /** The password Signet keeps for `host`, or null. */
  storedPassword(host: string): Promise<string | null> {
    return this.backend.get(host);
  }

  async remove(host: string): Promise<void> {
    const r = (await this.list()).find((x) => x.host === host);
    if (!r) throw new SignetError('NOT_FOUND', `${host} is not in the list of registries.`);
    if (r.auth === 'keychain') await this.backend.delete(host);
    await withFileLock(this.path, async () => {
      await writeJsonAtomic(this.path, { version: 1, registries: (await this.list()).filter((x) => x.host !== host) });
    });
  }

  /** For the engine: Signet's stored credentials for the host, else the docker/podman login. */
  async credential(host: string): Promise<Credential | null> {
    // A damaged registries.json must be reported, not skipped: skipping would quietly fall back to
    // the docker/podman login, which may be another identity than the one the user configured.
    const r = (await this.list()).find((x) => x.host === host);
    if (r?.auth === 'none') return null;
    if (r?.auth === 'keychain') {
      const password = await this.backend.get(host);
      if (password === null) throw new SignetError('CREDENTIALS_ERROR', `The password for ${host} is no longer in the OS keychain; add the registry again.`);
      return { username: r.username ?? '', password, source: 'the OS keychain (Signet)' };
    }
    return resolveCredential(host);
  }
}

/**
 * The typed channel between the renderer and a host (Electron main through the preload, or the web
 * host on POST /api/<name>). Every operation the UI needs is here, with its argument and result
 * types and a runtime validator for its argument. Hosts validate every request with these before
 * anything reaches the engine. Plain TypeScript, no Node or DOM: the renderer and hosts share it.
 *
 * No private key material is ever a result: key operations return metadata and public keys only.
 */

import { quoted } from './printable.js';

// ---- result shapes (mirrors of the engine's, kept structural so the renderer needs no engine code)

export type Verdict = 'verified' | 'unknown-key' | 'invalid' | 'revoked' | 'unsigned' | 'error';

export interface SignatureReport {
  status: Exclude<Verdict, 'unsigned'>;
  ok: boolean;
  keyName?: string;
  keyFingerprint?: string;
  /** keyName/keyFingerprint are only what the signature claims (its key hint): it did not verify with that key. */
  keyClaimed?: boolean;
  scheme?: string;
  identity?: string;
  /** The manifest digest the payload names; another image's digest means the signature was made for that image. */
  signedDigest?: string;
  /** The fingerprint an unknown signature's key hint claims (only a claim: it names no trusted key). */
  keyHint?: string;
  creator?: string;
  timestamp?: number;
  annotations?: Record<string, unknown>;
  payloadDigest: string;
  reasons: string[];
}

export interface ImageRow {
  image: string;
  digest?: string;
  verdict: Verdict;
  message: string;
  signers: string[];
  signatures: SignatureReport[];
  /** An index's platform manifests, or a single image's os/arch[/variant] from its config. */
  platforms?: string[];
  /** The image config's creation time, as written there (RFC 3339). An index has none of its own. */
  created?: string;
  /** Why platforms or created could not be read. Never affects the verdict. */
  factsError?: string;
}

export const SOURCE_KINDS = ['registry', 'namespace', 'oci', 'archive', 'engine'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export interface Source {
  id: string;
  kind: SourceKind;
  /** registry: host[:port]/repo; namespace: host[:port] or host[:port]/prefix (every repository under it); oci: DIR; archive: FILE; engine: '' */
  location: string;
  label: string;
}

export interface ImageDetail {
  image: string;
  digest: string;
  mediaType: string;
  size: number;
  platforms: Array<{ platform: string; digest: string }>;
  signatureTag: string;
}

export interface KeyInfo {
  id: string;
  name: string;
  algorithm: string;
  fingerprint: string;
  publicKeyPem: string;
  created: string;
  origin: 'generated' | 'imported';
  inKeychain?: boolean;
}

export interface TrustInfo {
  name: string;
  algorithm: string;
  fingerprint: string;
  publicKeyPem: string;
  added: string;
  revokedAt?: string;
}

export interface SignPlanView {
  image: string;
  identity: string;
  digest: string;
  mediaType: string;
  /** What will be signed by default: the image itself first, then every platform manifest. */
  targets: Array<{ digest: string; mediaType: string; platform?: string }>;
  /**
   * Every platform manifest of an index (empty for a single-platform image), to choose from:
   * 'sign.run' takes the chosen ones' digests as `platforms`. The index itself is always signed.
   */
  platforms: Array<{ digest: string; mediaType: string; platform?: string }>;
  /** Where the signature will be stored, in words. */
  storedAt: string;
  /**
   * True when the image must be pushed first (archives, engine images). `digest` is then the one
   * the push will create where it is known before (archives; '' for engine images), and 'sign.run'
   * takes it as `expectedDigest` with `pushTo`.
   */
  needsPush: boolean;
  /** An engine image to be pushed: the engine's image ID (its config digest), for 'sign.run' `expectedImageId`. */
  imageId?: string;
  keys: KeyInfo[];
  /**
   * The signatures on `digest` that verify now with an own key or a teammate's, so the review can
   * say when the chosen key has signed this digest already (signing again adds another signature).
   * Absent when the image is still to be pushed, or they could not be read (`existingError` says why).
   */
  existing?: Array<{ keyName: string; keyFingerprint: string; timestamp?: number }>;
  existingError?: string;
}

export interface SignedTargetView {
  digest: string;
  mediaType: string;
  platform?: string;
  location: string;
  attempts: number;
  alreadyPresent: boolean;
  readBack: ImageRow;
}

export interface SignResultView {
  image: string;
  digest: string;
  mediaType: string;
  identity: string;
  signatures: SignedTargetView[];
  pushed?: { dest: string; digest: string };
}

export interface RegistryInfo {
  host: string;
  /** 'keychain' when Signet stores the credentials; 'docker-login' uses docker/podman's login. */
  auth: 'keychain' | 'docker-login' | 'none';
  username?: string;
}

/** When and by whom; `localTime`, `zone` and `userName` are absent in entries written before Signet recorded them. */
export interface AuditWhoWhenView {
  id?: string;
  /** UTC, ISO 8601. */
  time: string;
  /** The same instant in the local time of the machine that wrote it, with its offset. */
  localTime?: string;
  /** That machine's time zone (IANA name). */
  zone?: string;
  /** The OS user's login name, and their full name where the OS gave one. */
  user: string;
  userName?: string;
}

export interface AuditEntryView extends AuditWhoWhenView {
  outcome: 'signed' | 'failed';
  key: { id?: string; name: string; fingerprint: string; source: 'keychain' | 'file' };
  image: string;
  digest?: string;
  identity?: string;
  annotations: Record<string, string>;
  registry?: Array<{ digest: string; platform?: string; location: string; attempts: number; alreadyPresent: boolean; readBack: string }>;
  error?: string;
}

/** A change to a key, a teammate, a registry or a policy export (shared/audit-changes.ts); never a secret. */
export interface AuditChangeView extends AuditWhoWhenView {
  outcome: 'changed';
  kind: string;
  action: string;
  subject: string;
  fingerprint?: string;
  details: Record<string, string>;
  via: string;
}

/** The first record of an audit log that replaced a damaged one (moved aside, bytes unchanged). */
export interface AuditRecoveryView {
  time: string;
  user: string;
  outcome: 'recovered';
  /** The damaged log's file name, in the same directory. */
  movedTo: string;
  damagedLines: number[];
  copied: number;
}

export interface AuditListView {
  entries: Array<AuditEntryView | AuditChangeView | AuditRecoveryView>;
  /** Set when this read found the log damaged; `message` is the sentence to show. */
  damage?: { lines: number[]; movedTo?: string; message: string };
}

export const POLICY_FORMATS = ['cosign', 'containers', 'kyverno', 'kyverno-ivp', 'policy-controller'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];
/** Enforce refuses what is not signed; audit only reports it (containers' policy.json has no such mode). */
export const POLICY_MODES = ['enforce', 'audit'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export type RegistryAuth = 'keychain' | 'docker-login' | 'none';

/** What a connection test found: `reached` false when the registry could not be reached at all. */
export interface RegistryTestView {
  ok: boolean;
  reached: boolean;
  message: string;
}

/** Changes that are confirmed with what they do to the images (impact.preview). */
export const IMPACT_CHANGES = ['trust.revoke', 'trust.remove', 'trust.restore', 'keys.delete', 'registries.remove'] as const;
export type ImpactChange = (typeof IMPACT_CHANGES)[number];

export interface ImpactView {
  /** False when no image has been checked since the host started: what changes is not known. */
  known: boolean;
  /** What the change does, in words, for the confirmation dialog. */
  message: string;
  /** The images whose verdict changes (at most 50 named), and how many in all. */
  images: Array<{ image: string; from: Verdict; to: Verdict }>;
  count: number;
}

/** The first-launch checklist's facts, read from the stores (setup.status). */
export interface SetupStatusView {
  registries: number;
  keys: number;
  teammates: number;
  sources: number;
  dismissed: boolean;
}

export interface PolicyExportView {
  format: PolicyFormat;
  files: Array<{ path: string; content: string; mode?: number }>;
  notes: string[];
  keys: Array<{ name: string; fingerprint: string }>;
}

// ---- the operations

export interface Api {
  'sources.list': { args: Record<string, never>; result: Source[] };
  'sources.add': { args: { kind: SourceKind; location: string }; result: Source };
  'sources.remove': { args: { id: string }; result: { removed: true } };
  'images.list': { args: { sourceId: string; opId?: string }; result: ImageRow[] };
  'images.detail': { args: { image: string }; result: ImageDetail };
  'sign.plan': { args: { image: string }; result: SignPlanView };
  /**
   * `platforms`: sign the index and only these of its platform manifests (digests from
   * 'sign.plan'); without it, every platform when `recursive`, none when not.
   * `expectedDigest`: the digest the review showed; if the image now resolves to another (with
   * `pushTo`: if the archive now holds another image), nothing is pushed or signed (IMAGE_CHANGED).
   * `expectedImageId`, with `pushTo`: the same for an engine image, by its image ID.
   */
  'sign.run': { args: { image: string; key: string; annotations: Record<string, string>; recursive: boolean; platforms?: string[]; expectedDigest?: string; expectedImageId?: string; pushTo?: string; opId?: string }; result: SignResultView };
  'keys.list': { args: Record<string, never>; result: KeyInfo[] };
  'keys.generate': { args: { name: string; algorithm: 'ed25519' | 'ecdsa-p256' }; result: KeyInfo };
  'keys.import': { args: { name: string; pem: string; password: string }; result: KeyInfo };
  'keys.rename': { args: { name: string; newName: string }; result: KeyInfo };
  'keys.delete': { args: { name: string; fingerprint: string }; result: KeyInfo };
  'keys.exportPublic': { args: { name: string }; result: { name: string; pem: string; fingerprint: string } };
  /** `keys` empty: every own key and unrevoked teammate (the team policy). `mode` default enforce. */
  'policy.export': { args: { format: PolicyFormat; images: string; keys: string[]; mode?: PolicyMode }; result: PolicyExportView };
  'trust.list': { args: Record<string, never>; result: TrustInfo[] };
  'trust.preview': { args: { pem: string }; result: { algorithm: string; fingerprint: string } };
  'trust.add': { args: { name: string; pem: string }; result: TrustInfo };
  'trust.revoke': { args: { name: string }; result: TrustInfo };
  'trust.remove': { args: { name: string }; result: TrustInfo };
  'trust.restore': { args: { name: string }; result: TrustInfo };
  'registries.list': { args: Record<string, never>; result: RegistryInfo[] };
  /**
   * Tests the credentials first and saves nothing the registry refused; a registry that cannot be
   * reached is saved only with `saveUnreachable`. Replaces an entry for the same host.
   */
  'registries.add': { args: { host: string; auth: RegistryAuth; username?: string; password?: string; saveUnreachable?: boolean }; result: RegistryInfo };
  /**
   * Changes an entry (its host too, with `newHost`), tested first as 'registries.add' is. Without
   * `password`, a keychain entry keeps the password it has.
   */
  'registries.edit': { args: { host: string; newHost?: string; auth: RegistryAuth; username?: string; password?: string; saveUnreachable?: boolean }; result: RegistryInfo };
  'registries.remove': { args: { host: string }; result: { removed: true } };
  /** With `auth`: tests these credentials (nothing is saved); without: the saved entry, or the docker/podman login. */
  'registries.test': { args: { host: string; auth?: RegistryAuth; username?: string; password?: string }; result: RegistryTestView };
  'audit.list': { args: Record<string, never>; result: AuditListView };
  /** What a change would do to the images last checked (`name`: a teammate, own key, or registry host). */
  'impact.preview': { args: { change: ImpactChange; name: string }; result: ImpactView };
  'setup.status': { args: Record<string, never>; result: SetupStatusView };
  'setup.dismiss': { args: Record<string, never>; result: { dismissed: true } };
}

export type ApiName = keyof Api;
export type ArgsOf<N extends ApiName> = Api[N]['args'];
export type ResultOf<N extends ApiName> = Api[N]['result'];

/** What a host answers: a result, or an error in plain words with a stable code. */
export type ApiResponse<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

/** Progress of long work, tagged with the opId the request carried. */
export interface ProgressEvent {
  opId: string;
  message: string;
  done?: number;
  total?: number;
  /** images.list: every image of the source by name, once, as soon as they are known (no verdict yet). */
  listed?: string[];
  /**
   * images.list: rows decided since the last event, in batches: each image first with its verdict,
   * later again with its platforms and creation time. The request's result is still the whole,
   * authoritative list.
   */
  rows?: ImageRow[];
  /**
   * images.list: names the registry listed that are not tag or repository names, skipped and never
   * shown, counted per repository (or namespace), once, before `listed`. `message` says it in words.
   */
  skipped?: Array<{ kind: 'tag' | 'repository'; where: string; count: number; message: string }>;
}

/** What the preload exposes as window.signet. */
export interface SignetBridge {
  call<N extends ApiName>(name: N, args: ArgsOf<N>): Promise<ApiResponse<ResultOf<N>>>;
  onProgress(listener: (e: ProgressEvent) => void): () => void;
}

// ---- runtime validation

export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

type Check = (v: unknown, path: string) => void;

const MAX_STRING = 4096;
const MAX_PEM = 16 * 1024;
/** More platform manifests than any real index lists (a dozen platforms, each with an attestation). */
const MAX_PLATFORMS = 256;

function fail(path: string, what: string): never {
  throw new ValidationError(`${path}: ${what}`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const str = (opts: { max?: number; min?: number; pattern?: RegExp; multiline?: boolean } = {}): Check => (v, path) => {
  if (typeof v !== 'string') fail(path, 'must be a string');
  const s = v as string;
  if (s.length < (opts.min ?? 1)) fail(path, 'must not be empty');
  if (s.length > (opts.max ?? MAX_STRING)) fail(path, `must be at most ${opts.max ?? MAX_STRING} characters`);
  if (!opts.multiline && CONTROL.test(s)) fail(path, 'must not contain control characters');
  if (opts.multiline && s.includes('\u0000')) fail(path, 'must not contain NUL');
  if (opts.pattern && !opts.pattern.test(s)) fail(path, 'is not in the expected form');
};
const name: Check = str({ max: 64 });
const bool: Check = (v, path) => { if (typeof v !== 'boolean') fail(path, 'must be true or false'); };
const oneOf = (values: readonly string[]): Check => (v, path) => {
  if (typeof v !== 'string' || !values.includes(v)) fail(path, `must be one of ${values.join(', ')}`);
};
const opId: Check = str({ max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const pem: Check = str({ max: MAX_PEM, multiline: true, pattern: /-----BEGIN [A-Z ]+-----/ });
/** An image reference or a transport (oci:DIR, docker-archive:FILE, docker-daemon:NAME): no traversal. */
const imageRef: Check = (v, path) => {
  str({ max: 1024 })(v, path);
  const s = v as string;
  const m = /^(oci|docker-archive):(.*)$/.exec(s);
  if (m) filePath(m[2]!.split(':')[0], path);
  else if (!/^(docker-daemon:)?[A-Za-z0-9._\-/:@+]+$/.test(s) || s.includes('..')) fail(path, 'is not an image reference');
};
/** An absolute path with no `..` segment. */
const filePath: Check = (v, path) => {
  str({ max: 1024 })(v, path);
  const s = v as string;
  if (!s.startsWith('/')) fail(path, 'must be an absolute path');
  if (s.split(/[\\/]/).includes('..')) fail(path, 'must not contain ".."');
};
const host: Check = str({ max: 255, pattern: /^[A-Za-z0-9.-]+(:\d{1,5})?$/ });
const digest: Check = str({ max: 71, pattern: /^sha256:[a-f0-9]{64}$/ });
/** host[:port]/repo: path components with no empty one and no trailing slash (that would name a namespace). */
const registryRepo: Check = str({ max: 512, pattern: /^[A-Za-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._-]+)+$/ });
/** host[:port] (DNS labels) with an optional /prefix of repository path components (docker's grammar), no trailing slash. */
const registryNamespace: Check = (v, path) => {
  str({ max: 512, pattern: /^[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*(?:\.[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*)*(:\d{1,5})?(\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/ })(v, path);
  const host = (v as string).split('/')[0]!;
  // Without a dot or a port the first component would not be read as a host, but as Docker Hub.
  if (!/[.:]/.test(host) && host !== 'localhost') fail(path, 'must start with a registry host (with a dot or a port, or localhost)');
};
const stringMap: Check = (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  const entries = Object.entries(v as object);
  if (entries.length > 64) fail(path, 'has too many entries');
  for (const [k, x] of entries) {
    str({ max: 256, pattern: /^[A-Za-z0-9._\-/]+$/ })(k, `${path} key`);
    str({ max: 1024, min: 0 })(x, `${path}.${k}`);
  }
};
const list = (item: Check, max = 64): Check => (v, path) => {
  if (!Array.isArray(v)) fail(path, 'must be a list');
  if ((v as unknown[]).length > max) fail(path, `must have at most ${max} items`);
  (v as unknown[]).forEach((x, i) => item(x, `${path}[${i}]`));
};

function object(fields: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
    const o = v as Record<string, unknown>;
    // Own properties only: `in` would let toString, constructor or __proto__ through unchecked.
    for (const k of Object.keys(o)) if (!Object.hasOwn(fields, k) && !Object.hasOwn(optional, k)) fail(path, `unexpected field ${quoted(k)}`) // escaped and cut: a request can name a field anything;
    for (const [k, check] of Object.entries(fields)) {
      if (!(k in o)) fail(path, `missing field "${k}"`);
      check(o[k], k);
    }
    for (const [k, check] of Object.entries(optional)) if (k in o && o[k] !== undefined) check(o[k], k);
  };
}

const none = object({});
const registryAuth: Check = oneOf(['keychain', 'docker-login', 'none']);

export const VALIDATORS: { [N in ApiName]: Check } = {
  'sources.list': none,
  'sources.add': (v, path) => {
    object({ kind: oneOf(SOURCE_KINDS), location: str({ max: 1024, min: 0 }) })(v, path);
    const o = v as { kind: SourceKind; location: string };
    if (o.kind === 'registry') registryRepo(o.location, 'location');
    else if (o.kind === 'namespace') registryNamespace(o.location, 'location');
    else if (o.kind === 'oci' || o.kind === 'archive') filePath(o.location, 'location');
    else if (o.location !== '') fail('location', 'must be empty for the local engine');
  },
  'sources.remove': object({ id: str({ max: 64, pattern: /^[a-f0-9]+$/ }) }),
  'images.list': object({ sourceId: str({ max: 64, pattern: /^[a-f0-9]+$/ }) }, { opId }),
  'images.detail': object({ image: imageRef }),
  'sign.plan': object({ image: imageRef }),
  'sign.run': object({ image: imageRef, key: name, annotations: stringMap, recursive: bool }, { platforms: list(digest, MAX_PLATFORMS), expectedDigest: digest, expectedImageId: digest, pushTo: imageRef, opId }),
  'keys.list': none,
  'keys.generate': object({ name, algorithm: oneOf(['ed25519', 'ecdsa-p256']) }),
  'keys.import': object({ name, pem, password: str({ max: 1024 }) }),
  'keys.rename': object({ name, newName: name }),
  'keys.delete': object({ name, fingerprint: str({ max: 128 }) }),
  'keys.exportPublic': object({ name }),
  'policy.export': object({ format: oneOf(POLICY_FORMATS), images: str({ max: 512, pattern: /^[A-Za-z0-9._\-:/@*?]+$/ }), keys: list(name) }, { mode: oneOf(POLICY_MODES) }),
  'trust.list': none,
  'trust.preview': object({ pem }),
  'trust.add': object({ name, pem }),
  'trust.revoke': object({ name: str({ max: 128 }) }),
  'trust.remove': object({ name: str({ max: 128 }) }),
  'trust.restore': object({ name: str({ max: 128 }) }),
  'registries.list': none,
  'registries.add': (v, path) => {
    object({ host, auth: registryAuth }, { username: str({ max: 256 }), password: str({ max: 4096 }), saveUnreachable: bool })(v, path);
    const o = v as { auth: string; username?: string; password?: string };
    if (o.auth === 'keychain' && (o.username === undefined || o.password === undefined)) fail('password', 'a user name and password are needed to store credentials');
  },
  'registries.edit': (v, path) => {
    object({ host, auth: registryAuth }, { newHost: host, username: str({ max: 256 }), password: str({ max: 4096 }), saveUnreachable: bool })(v, path);
    const o = v as { auth: string; username?: string };
    if (o.auth === 'keychain' && o.username === undefined) fail('username', 'a user name is needed to store credentials');
  },
  'registries.remove': object({ host }),
  'registries.test': (v, path) => {
    object({ host }, { auth: registryAuth, username: str({ max: 256 }), password: str({ max: 4096 }) })(v, path);
    const o = v as { auth?: string; username?: string; password?: string };
    if (o.auth === 'keychain' && (o.username === undefined || o.password === undefined)) fail('password', 'a user name and password are needed to test credentials');
    if (o.auth === undefined && (o.username !== undefined || o.password !== undefined)) fail('auth', 'say which credentials to test');
  },
  'audit.list': none,
  'impact.preview': object({ change: oneOf(IMPACT_CHANGES), name: str({ max: 255 }) }),
  'setup.status': none,
  'setup.dismiss': none,
};

export const API_NAMES = Object.keys(VALIDATORS) as ApiName[];

export function isApiName(s: string): s is ApiName {
  return Object.prototype.hasOwnProperty.call(VALIDATORS, s);
}

/** Throws ValidationError unless `args` is a well-formed argument of operation `name`. */
export function validateArgs<N extends ApiName>(name: N, args: unknown): ArgsOf<N> {
  VALIDATORS[name](args, 'arguments');
  return args as ArgsOf<N>;
}

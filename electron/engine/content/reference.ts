import { SignetError } from '../errors.js';
import { isDigest, type Digest } from './digest.js';

/**
 * A docker image reference, normalised the way the docker and podman CLIs do:
 * `alpine` → `docker.io/library/alpine:latest`, `127.0.0.1:5000/a/b@sha256:…` kept as given.
 * The grammar follows distribution/reference (reference.go): lower-case path components joined
 * by `/`, a registry host only when the first component looks like one (has `.` or `:`, or is
 * `localhost`, or is a bracketed IPv6 address).
 */
export interface Reference {
  /** Host[:port] as written (docker.io for Docker Hub). */
  readonly registry: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

export const DOCKER_HUB = 'docker.io';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const COMPONENT_RE = new RegExp(`^${COMPONENT}$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST_RE = /^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
const MAX_NAME = 255;

export function parseReference(input: string): Reference {
  const fail = (why: string): never => {
    throw new SignetError('REFERENCE_INVALID', `"${input.length > 100 ? `${input.slice(0, 97)}...` : input}" is not an image reference: ${why}. Expected host[:port]/repository[:tag][@sha256:digest].`);
  };
  let s = input.trim();
  if (s.startsWith('docker://')) s = s.slice('docker://'.length);
  if (s === '') fail('it is empty');
  if (/\s/.test(s)) fail('it contains white space');

  let digest: Digest | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    const d = s.slice(at + 1);
    if (!isDigest(d)) fail(`"${d}" is not a sha256 digest`);
    digest = d as Digest;
    s = s.slice(0, at);
  }

  let tag: string | undefined;
  const lastSlash = s.lastIndexOf('/');
  const lastColon = s.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = s.slice(lastColon + 1);
    s = s.slice(0, lastColon);
    if (!TAG_RE.test(tag)) fail(`"${tag}" is not a valid tag`);
  }

  const parts = s.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && looksLikeRegistryHost(first)) {
    registry = first;
    parts.shift();
    const bad = registryHostProblem(registry);
    if (bad !== undefined) fail(bad);
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => p === '')) fail('the repository path is empty or has an empty component');
  for (const p of parts) {
    if (!COMPONENT_RE.test(p)) fail(`the repository component "${p}" must be lower-case letters, digits and single separators (. _ __ -)`);
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME) fail(`the name is longer than ${MAX_NAME} characters`);

  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** What makes a name's first component a registry host, as docker decides it: a dot, a port, localhost or [IPv6]. */
export function looksLikeRegistryHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

/** Why `host[:port]` is not a valid registry host, in words; undefined when it is. */
export function registryHostProblem(host: string): string | undefined {
  if (!HOST_RE.test(host)) return `"${host}" is not a valid registry host`;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `port ${port} is out of range`;
  return undefined;
}

/** True for a repository path as the grammar allows it: lower-case components joined by `/`. */
export function isRepositoryPath(path: string): boolean {
  return path !== '' && path.split('/').every((p) => COMPONENT_RE.test(p));
}

/** True when `path` is a repository of `registry` the grammar allows: its components, and the whole name at most 255 characters. */
export function isRepositoryOf(registry: string, path: string): boolean {
  return registry.length + 1 + path.length <= MAX_NAME && isRepositoryPath(path);
}

/** `registry/repository`, the identity cosign writes and matchRepository compares. */
export function repositoryName(ref: Pick<Reference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Canonical string form: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

export function withDigest(ref: Reference, digest: Digest): Reference {
  return { registry: ref.registry, repository: ref.repository, ...(ref.tag !== undefined ? { tag: ref.tag } : {}), digest };
}

/**
 * `ref` with `tag` instead of its tag and digest. A tag outside the grammar is refused, whatever
 * its source: `v1@sha256:…` would name another image than the one checked, and a newline or an
 * escape sequence would forge output lines. Tags from a registry are filtered where they enter
 * (listTags); this is the last line. The tag is not echoed: it may be anything.
 */
export function withTag(ref: Reference, tag: string): Reference {
  if (!isTagName(tag)) {
    throw new SignetError('REFERENCE_INVALID', `A tag of ${repositoryName(ref)} (${Array.from(tag).length} characters) is not a valid tag name: tags are letters, digits, _ . and -, up to 128 characters, not starting with . or -.`);
  }
  return { registry: ref.registry, repository: ref.repository, tag };
}

/** True for a tag the OCI distribution grammar allows: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
export function isTagName(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** The string that names the manifest in the registry API: the digest when pinned, else the tag. */
export function manifestSelector(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** Hostnames that docker treats as local and reaches over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

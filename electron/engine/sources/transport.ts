import { resolve as resolvePath } from 'node:path';
import { SignetError } from '../errors.js';
import { isRepositoryPath, looksLikeRegistryHost, parseReference, registryHostProblem, type Reference } from '../content/reference.js';

/**
 * Where an image is, written the way skopeo writes it:
 *   `oci:DIR[:NAME]`             an OCI layout directory; NAME is an index.json ref name
 *   `docker-archive:FILE[:REF]`  a `docker save` tarball; REF picks one of its RepoTags
 *   `docker-daemon:[NAME]`       an image of the local Docker or Podman engine
 *   `docker://REF` or `REF`      a registry (the default)
 *   `HOST/PREFIX/` or `HOST/`    every repository of a registry under PREFIX (or all of them):
 *                                the trailing `/` is what makes it a namespace
 * As in skopeo, the path ends at the first `:` after the transport, so a NAME may hold colons
 * (`oci:/tmp/l:127.0.0.1:5000/app:v1`).
 */
export type SourceSpec =
  | { kind: 'registry'; input: string; ref: Reference }
  /** prefix '' is the whole registry; otherwise repositories named `prefix/…`. */
  | { kind: 'namespace'; input: string; registry: string; prefix: string }
  | { kind: 'oci-layout'; input: string; dir: string; name?: string }
  | { kind: 'docker-archive'; input: string; file: string; name?: string }
  | { kind: 'engine'; input: string; name?: string };

function splitPath(rest: string): { path: string; name?: string } {
  const colon = rest.indexOf(':');
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const name = colon < 0 ? undefined : rest.slice(colon + 1);
  return { path, ...(name !== undefined && name !== '' ? { name } : {}) };
}

export function parseSource(input: string): SourceSpec {
  const s = input.trim();
  if (s.startsWith('oci:')) {
    const { path, name } = splitPath(s.slice('oci:'.length));
    if (path === '') throw new SignetError('USAGE', `"${input}" names no directory: write oci:DIR or oci:DIR:NAME.`);
    return { kind: 'oci-layout', input, dir: resolvePath(path), ...(name !== undefined ? { name } : {}) };
  }
  if (s.startsWith('docker-archive:')) {
    const { path, name } = splitPath(s.slice('docker-archive:'.length));
    if (path === '') throw new SignetError('USAGE', `"${input}" names no file: write docker-archive:FILE or docker-archive:FILE:REF.`);
    return { kind: 'docker-archive', input, file: resolvePath(path), ...(name !== undefined ? { name } : {}) };
  }
  if (s.startsWith('docker-daemon:')) {
    const name = s.slice('docker-daemon:'.length);
    return { kind: 'engine', input, ...(name !== '' ? { name } : {}) };
  }
  const other = /^(dir|oci-archive|containers-storage|tarball|sif|ostree|atomic):/.exec(s);
  if (other) {
    // `dir:`, `oci-archive:`, `containers-storage:`… are skopeo transports Signet does not read.
    throw new SignetError('USAGE', `"${input}": the transport ${other[1]}: is not supported. Use oci:DIR[:NAME], docker-archive:FILE[:REF], docker-daemon:NAME or a registry reference.`);
  }
  if (s.endsWith('/')) return parseNamespace(input, s.replace(/^docker:\/\//, ''));
  return { kind: 'registry', input, ref: parseReference(s) };
}

/** `HOST[:PORT]/` or `HOST[:PORT]/PREFIX/` (given without docker://). */
function parseNamespace(input: string, s: string): Extract<SourceSpec, { kind: 'namespace' }> {
  const fail = (why: string): never => {
    throw new SignetError('USAGE', `"${input}" is not a registry namespace: ${why}. Write HOST[:PORT]/NAMESPACE/ for every repository under NAMESPACE, or HOST[:PORT]/ for every repository of the registry.`);
  };
  const body = s.slice(0, -1);
  const slash = body.indexOf('/');
  const registry = slash < 0 ? body : body.slice(0, slash);
  const prefix = slash < 0 ? '' : body.slice(slash + 1);
  if (slash >= 0 && prefix === '') fail('it has an empty path component');
  // Without a host, `team/` would mean Docker Hub, which does not let anyone list its repositories.
  if (!looksLikeRegistryHost(registry)) fail('it does not start with a registry host (one with a dot or a port, or localhost)');
  const badHost = registryHostProblem(registry);
  if (badHost !== undefined) fail(badHost);
  if (prefix !== '' && !isRepositoryPath(prefix)) fail(`"${prefix}" must be lower-case path components (letters, digits and single . _ __ - separators) joined by /`);
  return { kind: 'namespace', input, registry, prefix };
}

/** True for `host/repo` with neither tag nor digest: `signet images` lists every tag then. */
export function namesWholeRepository(input: string): boolean {
  const s = input.trim().replace(/^docker:\/\//, '');
  if (s.includes('@')) return false;
  return s.lastIndexOf(':') <= s.lastIndexOf('/');
}

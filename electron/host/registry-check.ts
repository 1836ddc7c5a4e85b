/**
 * A registry's connection test, as the Registries screen runs it before anything is saved: sign
 * in (GET /v2/, as `docker login` does) with the credentials the user typed, the docker/podman
 * login, none, or what is saved, and say in plain words what happened, naming only what the user
 * typed (the host and user name). A test never writes anything.
 */
import { isSignetError } from '../engine/errors.js';
import { RegistryClient } from '../engine/registry/client.js';
import { resolveCredential, type Credential } from '../engine/registry/credentials.js';
import type { RegistryAuth, RegistryTestView } from '../../shared/api.js';

export interface CandidateCredentials {
  auth: RegistryAuth;
  username?: string;
  password?: string;
}

/** What the user typed is described by what it is; saved credentials by where they are. */
const TYPED = 'the user name and password typed';

/** A test should answer while the user waits: one retry, 10 s of silence at most. */
const TEST_CLIENT = { maxRetries: 1, timeoutMs: 10_000, deadlineMs: 20_000 } as const;

/**
 * Tests `host` with `candidate` (what a form holds), or with `saved` (the saved entry's lookup)
 * when no candidate is given.
 */
export async function testRegistry(host: string, candidate: CandidateCredentials | undefined, saved: (host: string) => Promise<Credential | null>): Promise<RegistryTestView> {
  let asked = false;
  let used: Credential | null = null;
  const lookup = async (registry: string): Promise<Credential | null> => {
    if (registry !== host) return null;
    asked = true;
    used = candidate === undefined ? await saved(registry) : await candidateCredential(registry, candidate);
    return used;
  };
  const client = new RegistryClient({ ...TEST_CLIENT, credentials: lookup });
  const how = describeAuth(candidate);
  try {
    await client.checkLogin(host);
    if (!asked) return { ok: true, reached: true, message: `Reached ${host}; it did not ask for credentials${how.unchecked}.` };
    return { ok: true, reached: true, message: `Signed in to ${host} ${how.signedIn(used)}.` };
  } catch (e) {
    if (!isSignetError(e)) throw e;
    if (e.code === 'AUTH_FAILED') {
      if (asked && used === null) return { ok: false, reached: true, message: how.missing(host) };
      if (asked) return { ok: false, reached: true, message: how.refused(host, used) };
      return { ok: false, reached: true, message: `${host} did not let Signet sign in: ${e.message}` };
    }
    if (e.code === 'AUTH_DENIED') return { ok: false, reached: true, message: `${host} refused access ${how.signedIn(used)}: ${e.message}` };
    if (e.code === 'NETWORK' || e.code === 'INSECURE_REFUSED' || e.code === 'REGISTRY_ERROR') return { ok: false, reached: false, message: `Could not reach ${host}: ${e.message}` };
    if (e.code === 'CREDENTIALS_ERROR' || e.code === 'KEYCHAIN_UNAVAILABLE') return { ok: false, reached: false, message: `Could not read the credentials for ${host}: ${e.message}` };
    return { ok: false, reached: true, message: `${host} answered, but not as a registry does: ${e.message}` };
  } finally {
    await client.close();
  }
}

async function candidateCredential(registry: string, c: CandidateCredentials): Promise<Credential | null> {
  if (c.auth === 'none') return null;
  if (c.auth === 'docker-login') return resolveCredential(registry);
  return { username: c.username ?? '', password: c.password ?? '', source: TYPED };
}

/** The sentences of one kind of credentials. */
function describeAuth(c: CandidateCredentials | undefined) {
  const user = c?.auth === 'keychain' ? `"${c.username ?? ''}"` : undefined;
  return {
    unchecked: user !== undefined ? `, so the password of ${user} was not checked` : '',
    signedIn: (used: Credential | null): string => (user !== undefined ? `as ${user}` : used !== null ? `with the credentials from ${used.source}` : 'without credentials'),
    missing: (host: string): string => c?.auth === 'none'
      ? `${host} does not let anyone in without credentials: store a user name and password, or use your docker/podman login.`
      : `${host} wants credentials, and there is no docker/podman login for it: log in with "docker login ${host}", or store a user name and password here.`,
    refused: (host: string, used: Credential | null): string => user !== undefined
      ? `${host} did not accept the user name ${user} with that password: check both and try again.`
      : `${host} did not accept the credentials from ${used?.source ?? 'the saved entry'}: log in again, or store a user name and password here.`,
  };
}

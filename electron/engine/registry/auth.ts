import { SignetError } from '../errors.js';
import type { Credential } from './credentials.js';
import { Retryable, afterAttempts, describeUrl, discard, isRetryableStatus, readBounded, retryAfterMs, withRetries, type RetryOptions, type SendRequest, type Transport } from './http.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';
import { outsideOperation } from './operation.js';

/**
 * Registry authentication state, per registry: which scheme it asked for, the credential
 * (resolved once, lazily, on the first 401), and bearer tokens cached per scope until shortly
 * before they expire. Token fetches are shared: concurrent requests for the same scope wait on
 * one promise, so a thousand parallel pulls cost one token request.
 */
interface Token {
  header: string;
  expiresAt: number;
}

interface TokenSlot {
  promise: Promise<Token>;
  value?: Token;
}

interface RegistryState {
  credential?: Promise<Credential | null>;
  scheme?: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  basic?: string;
  tokens: Map<string, TokenSlot>;
}

export interface AuthOptions {
  transport: Transport;
  credentials: (registry: string) => Promise<Credential | null>;
  retry: RetryOptions;
  debug?: ((msg: string) => void) | undefined;
  /**
   * What to do about missing or refused credentials, in the host's words (the desktop names its
   * Registries screen); by default, log in with docker or podman.
   */
  loginHint?: ((registry: string, problem: 'missing' | 'refused') => string) | undefined;
}

const MAX_TOKEN_RESPONSE = 1 << 20;
const DEFAULT_EXPIRES_IN = 60; // seconds, as the docker token spec says for a missing expires_in

/** `repository:<name>:pull` or `repository:<name>:pull,push`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}

export class Auth {
  private readonly states = new Map<string, RegistryState>();

  constructor(private readonly opts: AuthOptions) {}

  /** The Authorization header to send up front, from what we learned earlier; undefined = anonymous. */
  async authorization(registry: string, scope: string): Promise<string | undefined> {
    const st = this.states.get(registry);
    if (st?.scheme === undefined) return undefined;
    if (st.scheme === 'basic') return st.basic;
    const slot = st.tokens.get(scope);
    if (slot !== undefined) {
      if (slot.value === undefined) return (await slot.promise).header; // a fetch is in flight: share it
      if (slot.value.expiresAt > Date.now()) return slot.value.header;
    }
    return (await this.newToken(registry, st, scope)).header;
  }

  /**
   * Learns from a 401: records the scheme the registry wants and forgets the token it refused,
   * so that the next authorization() call produces something new. Throws when we cannot comply.
   */
  async onUnauthorized(registry: string, scope: string, wwwAuthenticate: string | undefined, sent: string | undefined): Promise<void> {
    const st = this.state(registry);
    const challenges = wwwAuthenticate === undefined ? [] : parseWwwAuthenticate(wwwAuthenticate);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer !== undefined) {
      const realm = bearer.params.realm;
      if (realm === undefined || realm === '') {
        throw new SignetError('AUTH_FAILED', `The registry ${registry} asked for a bearer token but named no token server (no realm in its WWW-Authenticate header).`);
      }
      const service = bearer.params.service;
      if (st.scheme !== 'bearer' || st.realm !== realm || st.service !== service) {
        this.opts.debug?.(`auth: ${registry} wants Bearer tokens from ${realm}${service !== undefined ? ` (service ${service})` : ''}`);
        st.tokens.clear();
      }
      st.scheme = 'bearer';
      st.realm = realm;
      st.service = service;
      const slot = st.tokens.get(scope);
      // Only drop the refused token: a concurrent request may already have put a newer one here.
      if (slot?.value !== undefined && slot.value.header === sent) st.tokens.delete(scope);
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const cred = await this.credential(registry, st);
      if (cred === null || cred.username === undefined) throw this.noCredentials(registry, cred);
      if (st.scheme !== 'basic') this.opts.debug?.(`auth: ${registry} wants Basic authentication`);
      st.scheme = 'basic';
      st.basic = basicHeader(cred);
      return;
    }
    if (challenges.length === 0) {
      throw new SignetError('AUTH_FAILED', `The registry ${registry} answered 401 Unauthorized without saying how to authenticate (no WWW-Authenticate header).`);
    }
    throw new SignetError('AUTH_FAILED', `The registry ${registry} asks for ${challenges.map((c) => c.scheme).join(' or ')} authentication, which Signet does not support (only Basic and Bearer).`);
  }

  /** The error for a request still refused after authenticating. */
  async failure(registry: string, scope: string, wwwAuthenticate: string | undefined, what: string): Promise<SignetError> {
    const st = this.state(registry);
    const cred = await this.credential(registry, st);
    if (cred === null) return this.noCredentials(registry, cred, what);
    let bearer: Challenge | undefined;
    try {
      bearer = wwwAuthenticate === undefined ? undefined : parseWwwAuthenticate(wwwAuthenticate).find((c) => c.scheme === 'bearer');
    } catch {
      bearer = undefined;
    }
    if (bearer?.params.error === 'insufficient_scope') {
      const action = scope.endsWith(',push') ? 'push' : 'pull';
      return new SignetError('AUTH_DENIED', `The registry ${registry} refused ${action} access for ${what} (insufficient scope) with the credentials from ${cred.source}.`, { registry, scope });
    }
    return new SignetError('AUTH_FAILED', `The registry ${registry} did not accept the credentials for ${what}: check the username and password (credentials from ${cred.source}).${this.refusedHint(registry)}`, { registry });
  }

  private noCredentials(registry: string, cred: Credential | null, what?: string): SignetError {
    return noCredentials(registry, cred, what, this.opts.loginHint?.(registry, 'missing'));
  }

  /** The host's advice after a refusal, as a sentence to append (none by default: "check the username and password" says it). */
  private refusedHint(registry: string): string {
    const hint = this.opts.loginHint?.(registry, 'refused');
    return hint !== undefined ? ` ${hint}` : '';
  }

  private state(registry: string): RegistryState {
    let st = this.states.get(registry);
    if (st === undefined) {
      st = { tokens: new Map() };
      this.states.set(registry, st);
    }
    return st;
  }

  /** Resolved once per registry: reading config files or running a helper per request would dominate. */
  private credential(registry: string, st: RegistryState): Promise<Credential | null> {
    st.credential ??= this.opts.credentials(registry).then((c) => {
      this.opts.debug?.(c === null ? `auth: no credentials for ${registry}; anonymous` : `auth: credentials for ${registry} from ${c.source}`);
      return c;
    });
    return st.credential;
  }

  private newToken(registry: string, st: RegistryState, scope: string): Promise<Token> {
    // Outside the operation that happened to ask first: others wait on the same token, and its
    // end (an image's check out of time) must not abort the fetch for them.
    const slot: TokenSlot = { promise: outsideOperation(() => this.fetchToken(registry, st, scope)) };
    st.tokens.set(scope, slot);
    slot.promise.then(
      (t) => {
        slot.value = t;
      },
      () => {
        if (st.tokens.get(scope) === slot) st.tokens.delete(scope); // let the next request try again
      },
    );
    return slot.promise;
  }

  private async fetchToken(registry: string, st: RegistryState, scope: string): Promise<Token> {
    const cred = await this.credential(registry, st);
    if (cred?.registryToken !== undefined) return { header: `Bearer ${cred.registryToken}`, expiresAt: Infinity };
    let realm: URL;
    try {
      realm = new URL(st.realm ?? '');
    } catch {
      throw new SignetError('AUTH_FAILED', `The registry ${registry} named a token server that is not a URL: ${JSON.stringify((st.realm ?? '').slice(0, 200))}.`);
    }
    this.opts.transport.checkScheme(realm, `The token server ${realm.host} named by ${registry}`);
    const req = tokenRequest(realm, st.service, scope, cred);
    const started = Date.now();
    const token = await withRetries(this.opts.retry, async () => {
      const res = await this.opts.transport.send(req);
      if (res.status === 200) {
        const bytes = await readBounded(res, MAX_TOKEN_RESPONSE, () => new SignetError('AUTH_FAILED', `The token server ${realm.host} sent an answer larger than 1 MiB.`));
        return parseTokenResponse(bytes, realm);
      }
      await discard(res.body);
      const said = `answered ${res.status} ${res.statusText} for ${req.method} ${describeUrl(realm)}`;
      if (isRetryableStatus(res.status)) {
        throw new Retryable((n) => new SignetError('REGISTRY_ERROR', `The token server ${realm.host} ${said}${afterAttempts(n)}.`, { status: res.status }), said, retryAfterMs(res.headers));
      }
      if (res.status === 401) {
        throw cred === null
          ? this.noCredentials(registry, cred)
          : new SignetError('AUTH_FAILED', `The token server ${realm.host} for ${registry} did not accept the credentials: check the username and password (credentials from ${cred.source}).${this.refusedHint(registry)}`, { registry });
      }
      if (res.status === 403) {
        throw new SignetError('AUTH_DENIED', `The token server ${realm.host} for ${registry} refused a token for ${scope}${cred !== null ? ` (credentials from ${cred.source})` : ''}.`, { registry, scope });
      }
      throw new SignetError('AUTH_FAILED', `The token server ${realm.host} for ${registry} ${said}.`, { registry, status: res.status });
    });
    const lifetime = token.expiresIn;
    // Renew a little early so a token does not expire between our check and the registry's.
    const usable = lifetime - Math.min(30, lifetime / 4);
    this.opts.debug?.(`auth: token for ${scope} from ${realm.host} in ${Date.now() - started} ms, valid ${lifetime} s, ${cred === null ? 'anonymous' : `credentials from ${cred.source}`}`);
    return { header: `Bearer ${token.token}`, expiresAt: Date.now() + usable * 1000 };
  }
}

function tokenRequest(realm: URL, service: string | undefined, scope: string, cred: Credential | null): SendRequest {
  if (cred?.identityToken !== undefined) {
    // docker's OAuth2 refresh-token grant: POST a form to the realm.
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'signet' });
    if (scope !== '') form.set('scope', scope);
    if (service !== undefined) form.set('service', service);
    return { method: 'POST', url: realm, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
  }
  const url = new URL(realm);
  if (service !== undefined) url.searchParams.set('service', service);
  // No scope at all for a login check (GET /v2/), as docker login asks.
  if (scope !== '') url.searchParams.append('scope', scope);
  if (cred?.username !== undefined && cred.username !== '') url.searchParams.set('account', cred.username);
  // The realm is the auth server the registry named: it is meant to receive the basic credentials.
  return { method: 'GET', url, ...(cred?.username !== undefined ? { authorization: basicHeader(cred) } : {}) };
}

function parseTokenResponse(bytes: Uint8Array, realm: URL): { token: string; expiresIn: number } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    json = undefined;
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const token = typeof o.token === 'string' && o.token !== '' ? o.token : o.access_token;
  // Visible ASCII only: anything else would corrupt (or inject into) the Authorization header.
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new SignetError('AUTH_FAILED', `The token server ${realm.host} answered 200 but without a usable "token" or "access_token".`);
  }
  const e = o.expires_in;
  const expiresIn = typeof e === 'number' && Number.isFinite(e) && e > 0 ? e : DEFAULT_EXPIRES_IN;
  return { token, expiresIn };
}

function basicHeader(cred: Credential): string {
  return `Basic ${Buffer.from(`${cred.username ?? ''}:${cred.password ?? ''}`, 'utf8').toString('base64')}`;
}

function noCredentials(registry: string, cred: Credential | null, what?: string, hint?: string): SignetError {
  if (cred !== null) {
    return new SignetError('AUTH_FAILED', `The registry ${registry} wants a username and password, but the credentials from ${cred.source} hold only a token.${hint !== undefined ? ` ${hint}` : ''}`, { registry });
  }
  return new SignetError(
    'AUTH_FAILED',
    `The registry ${registry} requires authentication${what !== undefined ? ` for ${what}` : ''}, and no credentials were found for it. ${hint ?? `Log in with "docker login ${registry}" or "podman login ${registry}".`}`,
    { registry },
  );
}

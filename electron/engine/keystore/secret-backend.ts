/**
 * Where private keys live: the OS keychain, through a keytar-shaped interface so unit tests can
 * inject an in-memory backend (test/helpers/memory-keychain.ts) and the real one is loaded lazily:
 * commands that never touch private keys (verify, trust, policy) never load the native module
 * or talk to D-Bus.
 */
import { SignetError } from '../errors.js';

/** The keychain service every Signet entry is stored under (`secret-tool search service signet`). */
export const KEYCHAIN_SERVICE = 'signet';

export interface SecretBackend {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** The accounts stored under the service (never the secrets). */
  accounts(): Promise<string[]>;
}

interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const WHAT_TO_DO = 'unlock or start your keyring (e.g. gnome-keyring), or sign with a cosign key file (--key FILE, COSIGN_PASSWORD).';

/** keytar's raw errors (env-notes §2) in one plain sentence each. */
export function keychainError(e: unknown): SignetError {
  const raw = e instanceof Error ? e.message : String(e);
  let why: string;
  if (/autolaunch D-Bus|dbus-launch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket/i.test(raw)) {
    why = 'The OS keychain is not reachable (there is no D-Bus session)';
  } else if (/org\.freedesktop\.secrets|ServiceUnknown|was not provided by any/i.test(raw)) {
    why = 'The OS keychain is not reachable (no Secret Service on the session D-Bus)';
  } else if (/locked|Object does not exist at path|prompt|dismissed/i.test(raw)) {
    why = 'The OS keychain is locked';
  } else if (/did not answer/i.test(raw)) {
    why = 'The OS keychain did not answer';
  } else if (/keytar|\.node|MODULE_NOT_FOUND|Cannot find module|libsecret/i.test(raw)) {
    why = 'The OS keychain cannot be used (the keytar native module could not be loaded)';
  } else {
    why = 'The OS keychain refused the request';
  }
  return new SignetError('KEYCHAIN_UNAVAILABLE', `${why}: ${WHAT_TO_DO}`, { keychainError: raw }, { cause: e });
}

/** keytar can wait forever for an unlock prompt that no one can answer; give up after this. */
const KEYCHAIN_TIMEOUT_MS = 20_000;

async function guarded<T>(op: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      op(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`)), KEYCHAIN_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
  } catch (e) {
    throw keychainError(e);
  } finally {
    clearTimeout(timer);
  }
}

let keytarModule: Promise<KeytarModule> | undefined;

function loadKeytar(): Promise<KeytarModule> {
  keytarModule ??= import('keytar').then((m) => ((m as { default?: KeytarModule }).default ?? (m as unknown as KeytarModule)));
  return keytarModule;
}

/** The real keychain: keytar (libsecret on Linux, Keychain on macOS, Credential Vault on Windows). */
export class KeytarBackend implements SecretBackend {
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  get(account: string): Promise<string | null> {
    return guarded(async () => (await loadKeytar()).getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return guarded(async () => (await loadKeytar()).setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return guarded(async () => (await loadKeytar()).deletePassword(this.service, account));
  }

  accounts(): Promise<string[]> {
    // findCredentials returns the secrets too; keep only the account names.
    return guarded(async () => (await (await loadKeytar()).findCredentials(this.service)).map((c) => c.account));
  }
}

// MemoryKeyStore backend: an in-memory keychain for unit tests only (never shipped).
import type { SecretBackend } from '../../electron/engine/keystore/secret-backend.js';
import { keychainError } from '../../electron/engine/keystore/secret-backend.js';

export class MemoryBackend implements SecretBackend {
  readonly secrets = new Map<string, string>();
  /** When set, every call fails as keytar does with this raw message. */
  failWith: string | undefined;
  /** Fail the next `set` only (e.g. to test that nothing is half-written). */
  failNextSet = false;

  private check(): void {
    if (this.failWith !== undefined) throw keychainError(new Error(this.failWith));
  }

  async get(account: string): Promise<string | null> {
    this.check();
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.check();
    if (this.failNextSet) {
      this.failNextSet = false;
      throw keychainError(new Error('Cannot create an item in a locked collection'));
    }
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.check();
    return this.secrets.delete(account);
  }

  async accounts(): Promise<string[]> {
    this.check();
    return [...this.secrets.keys()];
  }
}

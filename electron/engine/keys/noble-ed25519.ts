/**
 * @noble/ed25519 with its SHA-512 wired in. noble v3 ships without a hash so it can run anywhere;
 * it must be configured once, before any sign/verify. Import Ed25519 from here, never directly.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export { ed };

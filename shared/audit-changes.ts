/**
 * The changes audit.log records besides signings, and how each is said to a person: the same
 * words in `signet log` and on the Activity screen. Plain TypeScript with no Node or DOM import,
 * so the engine, the CLI and the renderer share it.
 */

export const AUDIT_CHANGES = {
  key: ['generated', 'imported', 'renamed', 'deleted', 'exported-private'],
  teammate: ['added', 'revoked', 'restored', 'removed'],
  registry: ['added', 'edited', 'credentials-changed', 'removed'],
  policy: ['exported'],
} as const;

export type AuditChangeKind = keyof typeof AUDIT_CHANGES;
export type AuditChangeAction = (typeof AUDIT_CHANGES)[AuditChangeKind][number];

/** What is recorded of one change: public facts only (never a password, never key material). */
export interface AuditChangeFields {
  kind: AuditChangeKind;
  action: AuditChangeAction;
  /** The key's, teammate's or registry's name, or the policy's format. */
  subject: string;
  fingerprint?: string;
  /** Further facts, as text: the old name, the user name, the policy's images and keys… */
  details: Record<string, string>;
  /** Which Signet made the change. */
  via: 'cli' | 'desktop';
}

/**
 * "key generated", "teammate revoked", "registry credentials changed", "private key exported".
 * A kind or action this version does not know (a newer Signet wrote it) is said the same way.
 */
export function changeHeadline(kind: string, action: string): string {
  if (kind === 'key' && action === 'exported-private') return 'private key exported';
  return `${kind} ${action.replace(/-/g, ' ')}`;
}

/** The details in a fixed order of the facts people look for first, then the rest. */
export function changeDetailsText(details: Readonly<Record<string, string>>): string {
  const order = ['from', 'algorithm', 'auth', 'username', 'format', 'mode', 'images', 'keys', 'file'];
  const keys = [...order.filter((k) => Object.hasOwn(details, k)), ...Object.keys(details).filter((k) => !order.includes(k)).sort()];
  return keys.map((k) => `${k} ${details[k]}`).join(', ');
}

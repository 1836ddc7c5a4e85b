/**
 * Which certificate identities are trusted: an OIDC issuer and an identity (SAN), each exact or a
 * regular expression, matched ANCHORED. @sigstore/verify treats a SAN string as an unanchored
 * regular expression ("redhat" matches "mitr@redhat.com"), so Signet never hands it one: an exact
 * value becomes an escaped, anchored RegExp, and a user's expression is wrapped in ^(?:…)$ (the
 * group keeps `a|b` from anchoring only its ends). cosign matches --certificate-identity-regexp
 * unanchored; Signet anchors it, so an expression must describe the whole identity.
 */
import { SignetError } from '../../errors.js';
import { quoted } from '../../../../shared/printable.js';

export type StringMatch = { exact: string } | { regexp: string };

export interface CertificateIdentityPolicy {
  /** What the user calls it ("Release pipeline"); shown as the signer. */
  name?: string | undefined;
  issuer: StringMatch;
  identity: StringMatch;
}

export interface CompiledIdentityPolicy {
  name: string | undefined;
  issuer: RegExp;
  identity: RegExp;
  /** "identity X (or matching ^…$) from issuer Y", for messages. */
  description: string;
}

/** Longest expression accepted: a bound on the work one match can cost. */
export const MAX_PATTERN_LENGTH = 1024;

export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `^(?:pattern)$`: the pattern must match the whole value. */
export function anchoredRegExp(pattern: string, what = 'expression'): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new SignetError('USAGE', `The ${what} is longer than ${MAX_PATTERN_LENGTH} characters.`);
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new SignetError('USAGE', `The ${what} ${quoted(pattern)} is not a valid regular expression (${(e as Error).message}).`);
  }
}

export function exactRegExp(value: string): RegExp {
  return new RegExp(`^${escapeRegExp(value)}$`);
}

function compileMatch(m: StringMatch, what: string): RegExp {
  if ('exact' in m) {
    if (m.exact === '') throw new SignetError('USAGE', `The ${what} is empty.`);
    return exactRegExp(m.exact);
  }
  return anchoredRegExp(m.regexp, `${what} expression`);
}

function describe(m: StringMatch): string {
  return 'exact' in m ? quoted(m.exact) : `matching ${quoted(`^(?:${m.regexp})$`)}`;
}

export function compileIdentityPolicy(p: CertificateIdentityPolicy): CompiledIdentityPolicy {
  return {
    name: p.name,
    issuer: compileMatch(p.issuer, 'issuer'),
    identity: compileMatch(p.identity, 'identity'),
    description: `identity ${describe(p.identity)} from issuer ${describe(p.issuer)}`,
  };
}

/**
 * The first policy whose issuer matches the certificate's issuer and whose identity matches one
 * of its SANs (as cosign's CheckCertificatePolicy), or undefined.
 */
export function matchIdentity(policies: readonly CompiledIdentityPolicy[], subjectAlternativeNames: readonly string[], issuer: string | undefined): number | undefined {
  if (issuer === undefined) return undefined;
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i]!;
    if (!p.issuer.test(issuer)) continue;
    for (const san of subjectAlternativeNames) if (p.identity.test(san)) return i;
  }
  return undefined;
}

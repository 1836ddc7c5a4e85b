// Image patterns for a policy, from the sources in the Images side list: each registry source's own
// pattern, and one for them all (their longest common repository path, then "/*"), which every
// format accepts (containers reads "host/ns/*" as the scope host/ns).
import type { Source } from './api.js';

/** A source's images as a pattern: a namespace's "host/prefix/*", a repository's "host/repo*". */
export function sourcePattern(s: Source): string | null {
  if (s.kind === 'namespace') return `${s.location}/*`;
  if (s.kind === 'registry') return `${s.location}*`;
  return null;
}

/** The path every registry source shares (at least the host), as "path/*"; null when they share no host. */
export function commonPattern(sources: readonly Source[]): string | null {
  const paths = sources.filter((s) => s.kind === 'registry' || s.kind === 'namespace').map((s) => {
    const parts = s.location.split('/');
    // A repository's own name is not a namespace of it: host/team/app shares host/team.
    return s.kind === 'registry' ? parts.slice(0, -1) : parts;
  });
  if (paths.length === 0) return null;
  let common = paths[0]!;
  for (const p of paths.slice(1)) {
    let n = 0;
    while (n < common.length && n < p.length && common[n] === p[n]) n++;
    common = common.slice(0, n);
  }
  return common.length === 0 ? null : `${common.join('/')}/*`;
}

export function imagePatterns(sources: readonly Source[]): { suggested: string; all: string[] } {
  const own = sources.map(sourcePattern).filter((p): p is string => p !== null);
  const common = commonPattern(sources);
  const all = [...new Set([...(common ? [common] : []), ...own])];
  return { suggested: all[0] ?? '', all };
}

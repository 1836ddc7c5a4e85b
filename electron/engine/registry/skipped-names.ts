/**
 * Names a registry listed that are not names (a tag outside the tag grammar, a repository outside
 * the repository grammar): skipped where they entered, and counted so the count reaches the user.
 * The names themselves are never shown: they may hold line breaks and escape sequences.
 */
export interface SkippedNames {
  kind: 'tag' | 'repository';
  /** `host/repository` whose tag list held them, or `host/namespace/` whose catalog did. */
  where: string;
  count: number;
  /** In words, e.g. "skipped 2 tags of host/app that are not valid tag names". */
  message: string;
}

export function skippedTags(where: string, count: number): SkippedNames {
  return { kind: 'tag', where, count, message: `skipped ${count} ${count === 1 ? 'tag' : 'tags'} of ${where} that ${count === 1 ? 'is not a valid tag name' : 'are not valid tag names'}` };
}

export function skippedRepositories(where: string, count: number): SkippedNames {
  return {
    kind: 'repository', where, count,
    message: `skipped ${count} ${count === 1 ? 'repository name' : 'repository names'} under ${where} that ${count === 1 ? 'is not a valid repository name' : 'are not valid repository names'}`,
  };
}

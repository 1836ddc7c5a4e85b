/**
 * Text for generated shell scripts. Whatever comes from a file name or user input goes into a
 * script only through these, so `sh` reads it back as data: no newline, `$(…)`, backtick or quote
 * in a key's name or an image pattern can end a word, a line or a comment and run a command.
 */

/** One shell word that sh reads as exactly `s`: single-quoted, each ' written as '\''. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A `case` pattern that matches as the glob `glob` does: its * and ? stay bare (wildcards), every
 * other run of characters is single-quoted (literal). `registry.example.com/team/*` becomes
 * `'registry.example.com/team/'*`.
 */
export function shellCasePattern(glob: string): string {
  const parts: string[] = [];
  for (const run of glob.split(/([*?])/)) {
    if (run === '') continue;
    parts.push(run === '*' || run === '?' ? run : shellQuote(run));
  }
  return parts.length ? parts.join('') : "''";
}

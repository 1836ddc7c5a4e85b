// What "no printed line contains a control character" means, defined once for every test that
// checks Signet's output (the hostile-text tests, the verdict property test): C0 controls other
// than tab and newline (ESC starts terminal escape sequences, CR overwrites a line), DEL, C1
// (U+009B is a one-character CSI on many terminals), the Unicode line and paragraph separators,
// and the bidi embeddings, overrides and isolates that reorder what a line appears to say.
import assert from 'node:assert/strict';

// eslint-disable-next-line no-control-regex
export const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Output as lines, the way a terminal or a log viewer splits it. */
export function outputLines(text: string): string[] {
  return text.split('\n');
}

/** The lines of `text` that hold a character of UNPRINTABLE, shown JSON-quoted. */
export function unprintableLines(text: string): string[] {
  return outputLines(text).filter((l) => UNPRINTABLE.test(l)).map((l) => JSON.stringify(l));
}

/** Fails, naming the lines, when any line of stdout or stderr holds a character of UNPRINTABLE. */
export function assertPrintable(out: { stdout: string; stderr: string }, what: string): void {
  assert.deepEqual(unprintableLines(out.stdout), [], `${what}: stdout lines with control characters`);
  assert.deepEqual(unprintableLines(out.stderr), [], `${what}: stderr lines with control characters`);
}

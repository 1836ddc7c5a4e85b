/**
 * Text from outside (registries, signature payloads, layouts, archives, key files) shown to a
 * person: the one place where characters that act on a terminal or reorder what a line says are
 * made visible. Anyone who can push to a registry can put escape sequences into a payload's
 * `creator`, a field name, a media type or a platform string; printed raw, they cleared the screen
 * and drew a fake green "VERIFIED … by alice" line. Engine, CLI and renderer all use this module
 * (it is plain TypeScript with no Node or DOM import, so every tsconfig can include it).
 *
 * What is escaped: every C0 control (also \n, \r, \t and ESC), DEL, C1 (U+0080–U+009F; U+009B
 * is a one-character CSI on many terminals), the Unicode line and paragraph separators and the
 * bidi marks, embeddings, overrides and isolates that reorder or hide text.
 */

/** The characters escaped, as a regular-expression class body: C0, DEL, C1, then the Unicode ones. */
const CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const UNPRINTABLE = new RegExp(`[${CLASS}]`);
const UNPRINTABLE_ALL = new RegExp(`[${CLASS}]`, 'g');
/** The same but for \n: the line guard keeps the newlines Signet writes itself. */
const UNPRINTABLE_BUT_NEWLINE = new RegExp(`(?!\\n)[${CLASS}]`, 'g');
/** What JSON.stringify leaves raw of them: it escapes C0 itself. */
const JSON_UNESCAPED = new RegExp(`(?![\\u0000-\\u001f])[${CLASS}]`, 'g');

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\u001b`: valid in JSON (for the same character) as well as visible. */
function uEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `\n`, `\x1b`, `\x9b`, `\u202e`: how one unprintable character is shown to a person. */
function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : uEscape(c);
}

export interface PrintableOptions {
  /** At most this many characters (code points) of output, the last being `…`. */
  max?: number;
}

/** How a value's characters become output: a value doubles backslashes (and, quoted, escapes `"`); text keeps them. */
type Mode = 'value' | 'quoted' | 'text';

function pieceFor(c: string, mode: Mode): string {
  if (UNPRINTABLE.test(c)) return escapeChar(c);
  if ((c === '\\' && mode !== 'text') || (c === '"' && mode === 'quoted')) return `\\${c}`;
  return c;
}

/**
 * `value` escaped per `mode`, cut at `max` code points of output ending in `…`. The cut falls
 * between two characters' output, never inside a surrogate pair or an escape.
 */
function escaped(value: string, mode: Mode, max: number): { text: string; cut: boolean } {
  let out = '';
  let length = 0;
  let beforeEllipsis = ''; // the longest output so far that leaves room for the `…`
  for (const c of value) {
    const piece = pieceFor(c, mode);
    const n = piece === c ? 1 : piece.length; // an astral code point is one, however many UTF-16 units
    if (length + n > max) return { text: `${beforeEllipsis}…`, cut: true };
    out += piece;
    length += n;
    if (length <= max - 1) beforeEllipsis = out;
  }
  return { text: out, cut: false };
}

/**
 * One untrusted value (a name, a media type, a creator) as a person may see it: every character
 * above escaped, and a backslash doubled, so an escape shown can only have come from this
 * function (a value cannot forge `\x1b` to pass for something else). With `max`, the output is
 * cut to that many code points, the last being `…`.
 */
export function printable(value: string, options: PrintableOptions = {}): string {
  if (!UNPRINTABLE.test(value) && !value.includes('\\') && value.length <= (options.max ?? Infinity)) return value;
  return escaped(value, 'value', options.max ?? Infinity).text;
}

/** The longest name an engine error message quotes whole. */
export const QUOTED_MAX = 64;

/**
 * A name or value from outside inside a sentence: printable, in double quotes (a quote in it is
 * escaped), and cut at `max` code points with its full length said, so neither a
 * 100,000-character field name nor a newline can make the message long or many lines.
 */
export function quoted(value: string, max = QUOTED_MAX): string {
  const { text, cut } = escaped(value, 'quoted', max);
  return cut ? `"${text}" (${Array.from(value).length} characters)` : `"${text}"`;
}

/** Any JSON value from outside in a message: a string quoted(), anything else as short JSON text, escaped. */
export function quotedValue(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  const json = JSON.stringify(value);
  return printableText(json === undefined ? String(value) : json, { max: QUOTED_MAX });
}

/**
 * A sentence built from pieces, some from outside (an error message, a reason): every character
 * above escaped, newlines too, so it stays one line. Backslashes are left as they are: the pieces
 * from outside were quoted where the sentence was made (quoted(), status-error's summary), and
 * doubling their escapes would garble them. That also makes it idempotent, so a sentence stored
 * escaped (audit.log's error) shows the same when escaped again.
 */
export function printableText(text: string, options: PrintableOptions = {}): string {
  if (options.max === undefined) return text.replace(UNPRINTABLE_ALL, escapeChar);
  return escaped(text, 'text', options.max).text;
}

/**
 * The last guard at an output sink (each line the CLI writes, on stdout or stderr): escapes what
 * printableText escapes except the newlines Signet writes itself, so a field some formatter missed
 * still cannot clear the screen or add a line's worth of anything but visible text. It uses
 * `\u` escapes only: the line may be JSON, where `\u007f` is valid and means the same character,
 * while `\x7f` would break it.
 */
export function guardLine(line: string): string {
  return line.replace(UNPRINTABLE_BUT_NEWLINE, uEscape);
}

/**
 * One value as a JSON line (`--json` output): JSON.stringify escapes C0 controls but leaves DEL,
 * C1, the line separators and the bidi controls raw; they are written as `\u` escapes too, which
 * is valid JSON for the same value, so no printed line holds a control character.
 */
export function jsonLine(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(JSON_UNESCAPED, uEscape);
}

// shared/printable.ts: the one escaper for text from outside (issue 11, finding 6). What it must
// hold: nothing that acts on a terminal or reorders a line survives; what is shown can be read
// back to exactly the value (so a value cannot forge an escape); a cut never splits a surrogate
// pair or an escape; JSON lines keep their value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { guardLine, jsonLine, printable, printableText, quoted } from '../../shared/printable.js';
import { UNPRINTABLE } from '../helpers/printable.js';
import { params } from '../property/fuzz.js';

/** Every character the module promises to escape. */
const ESCAPED: string[] = [];
for (let c = 0; c <= 0x9f; c++) if (c < 0x20 || c >= 0x7f) ESCAPED.push(String.fromCharCode(c));
for (const c of [0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) ESCAPED.push(String.fromCharCode(c));
const ANY_ESCAPED = new RegExp(`[${ESCAPED.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`);

/** Strings rich in what matters here: controls, bidi, backslashes, quotes, astral and lone surrogates. */
const hostile = fc.string({
  unit: fc.oneof(fc.constantFrom(...ESCAPED, '\\', '"', 'x', '1', 'b', '\u{1F600}', '\uD800', '\uDC00', 'é', '…'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 40,
});

/** Reads printable()'s output back: the inverse, if the escaping is unambiguous. */
function unescape(s: string): string {
  return s.replace(/\\(\\|n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_, e: string) => {
    if (e === '\\') return '\\';
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    return String.fromCharCode(parseInt(e.slice(1), 16));
  });
}

const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('every control, DEL, C1, line separator and bidi control becomes a visible escape', () => {
  assert.equal(printable('a\nb\rc\td'), 'a\\nb\\rc\\td');
  assert.equal(printable('\x1b[2J\x00\x7f\x9b\x85'), '\\x1b[2J\\x00\\x7f\\x9b\\x85');
  assert.equal(printable('\u202eevil\u2066\u2069\u200e\u200f\u2028\u2029'), '\\u202eevil\\u2066\\u2069\\u200e\\u200f\\u2028\\u2029');
  const all = printable(ESCAPED.join(''));
  assert.doesNotMatch(all, ANY_ESCAPED);
  assert.equal(unescape(all), ESCAPED.join(''));
  // Text that needs nothing is returned as it is, letters beyond ASCII included.
  assert.equal(printable('registry.example/team/app:1.0 — Zoë, 東京 😀'), 'registry.example/team/app:1.0 — Zoë, 東京 😀');
});

test('a backslash is doubled, so a value cannot pass for an escape', () => {
  assert.equal(printable('\\x1b[2J'), '\\\\x1b[2J');
  assert.notEqual(printable('\\x1b'), printable('\x1b'));
  fc.assert(fc.property(hostile, (s) => {
    const out = printable(s);
    assert.doesNotMatch(out, ANY_ESCAPED);
    assert.equal(unescape(out), s, 'read back to exactly the value');
  }), params());
});

test('a cut ends in "…" within max code points, between two characters\' output', () => {
  assert.equal(printable('abcdefghij', { max: 5 }), 'abcd…');
  assert.equal(printable('abcde', { max: 5 }), 'abcde');
  assert.equal(printable('\x1b\x1b\x1b', { max: 6 }), '\\x1b…', 'an escape is never split');
  assert.equal(printable('😀😀😀😀', { max: 3 }), '😀😀…', 'a surrogate pair counts once and is never split');
  fc.assert(fc.property(hostile, fc.integer({ min: 1, max: 30 }), (s, max) => {
    const out = printable(s, { max });
    assert.ok(Array.from(out).length <= max, `${JSON.stringify(out)} is longer than ${max}`);
    assert.doesNotMatch(out, ANY_ESCAPED);
    if (out === printable(s)) return;
    assert.ok(out.endsWith('…'));
    const points = Array.from(s);
    assert.ok(points.some((_, k) => `${printable(points.slice(0, k).join(''))}…` === out), `${JSON.stringify(out)} is not a prefix's output`);
    if (!lone.test(s)) assert.doesNotMatch(out, lone);
  }), params());
});

test('quoted: in double quotes, a quote escaped, cut at 64 with the length said', () => {
  assert.equal(quoted('a"b'), '"a\\"b"');
  assert.equal(quoted('x\n\x1b[2J'), '"x\\n\\x1b[2J"');
  const long = quoted('k'.repeat(100_000));
  assert.equal(long, `"${'k'.repeat(63)}…" (100000 characters)`);
  assert.equal(quoted('\u{10FFFF}'.repeat(5000)), `"${'\u{10FFFF}'.repeat(63)}…" (5000 characters)`);
  fc.assert(fc.property(hostile, (s) => {
    const q = quoted(s);
    assert.doesNotMatch(q, ANY_ESCAPED);
    assert.ok(Array.from(q).length <= 66 + ' (40 characters)'.length);
  }), params());
});

test('printableText: one line, backslashes kept (the pieces are quoted at the source), idempotent', () => {
  assert.equal(printableText('bad key "x\\n" in\nline two\x1b[8m'), 'bad key "x\\n" in\\nline two\\x1b[8m');
  fc.assert(fc.property(hostile, (s) => {
    const once = printableText(s);
    assert.doesNotMatch(once, ANY_ESCAPED);
    assert.equal(printableText(once), once);
  }), params());
  assert.equal(printableText('a\x1bbcdef', { max: 6 }), 'a\\x1b…');
});

test('guardLine keeps newlines, escapes the rest, and leaves a JSON line valid with the same value', () => {
  assert.equal(guardLine('one\ntwo\x1b[2J\r\t\u202e'), 'one\ntwo\\u001b[2J\\u000d\\u0009\\u202e');
  fc.assert(fc.property(fc.dictionary(hostile, hostile, { maxKeys: 3, noNullPrototype: true }), (value) => {
    const guarded = guardLine(JSON.stringify(value));
    assert.doesNotMatch(guarded, ANY_ESCAPED);
    assert.deepEqual(JSON.parse(guarded), value);
  }), params());
});

test('jsonLine: no control or reordering character on the line, and JSON.parse gives the value back', () => {
  assert.equal(jsonLine({ c: '\x7f\x9b\u2028\u202e\x1b' }), '{"c":"\\u007f\\u009b\\u2028\\u202e\\u001b"}');
  fc.assert(fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })), { maxKeys: 4, noNullPrototype: true }), (value) => {
    const line = jsonLine(value);
    assert.doesNotMatch(line, UNPRINTABLE);
    assert.doesNotMatch(line, ANY_ESCAPED);
    assert.deepEqual(JSON.parse(line), value);
  }), params());
});

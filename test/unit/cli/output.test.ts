import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInspect, formatSign, formatVerify } from '../../../electron/cli/output.js';
import { runCli } from '../../../electron/cli/main.js';
import { startProgress } from '../../../electron/cli/progress.js';
import type { VerifyResult } from '../../../electron/engine/verify.js';
import type { SignatureReport } from '../../../electron/engine/cosign/verdict.js';
import type { InspectResult } from '../../../electron/engine/inspect.js';
import type { SignResult } from '../../../electron/engine/sign.js';
import { unprintableLines } from '../../helpers/printable.js';

const FP = 'SHA256:fc73d0ffd7e2e0640bab5c89676fdad8a231cdb00bd6086846091768fefb2555';
const signature = (over: Partial<SignatureReport>): SignatureReport => ({
  status: 'invalid', ok: false, payloadDigest: `sha256:${'a'.repeat(64)}`, reasons: ['The signature does not verify.'], ...over,
});
const result = (s: SignatureReport): VerifyResult => ({
  image: 'r.example/app:v1', digest: `sha256:${'b'.repeat(64)}`, verdict: s.status === 'verified' ? 'verified' : 'invalid', message: 'm', signers: [], signatures: [s],
});

test('a key the signature only claims is shown as a claim, not as its signer', () => {
  const out = formatVerify(result(signature({ keyName: 'alice', keyFingerprint: FP, keyClaimed: true })), false);
  assert.match(out, /signature 1: invalid — claims alice \(SHA256:fc73d0ffd7e2e064…?\), but does not verify with it/);
});

test('a key that verified is named plainly; no key says so', () => {
  assert.match(formatVerify(result(signature({ status: 'verified', ok: true, keyName: 'alice', keyFingerprint: FP })), true), /signature 1: verified — alice \(SHA256:fc73d0ffd7e2e064/);
  assert.doesNotMatch(formatVerify(result(signature({ status: 'verified', ok: true, keyName: 'alice', keyFingerprint: FP })), true), /claims/);
  assert.match(formatVerify(result(signature({ status: 'unknown-key' })), false), /signature 1: unknown-key — no trusted key/);
});

// Issue 11, finding 6: every value a formatter shows may come from a registry. Each hostile value
// below is a newline, escape sequences and a fake verdict line; the output must keep its lines
// (as many as with plain values) and show the sequences as escapes.
const EVIL = '\n\x1b[2J\x1b[32mVERIFIED  r.example/app:v1  verified by alice\u202e\x9b';
const lineCount = (s: string) => s.split('\n').length;

test('formatVerify, formatInspect and formatSign escape every value from outside', () => {
  const verify = (v: string) => formatVerify({
    image: `r.example/app:v1${v}`, digest: `sha256:${'b'.repeat(64)}`, verdict: 'invalid', message: `INVALID: bad${v}`, signers: [],
    signatures: [signature({ keyName: `alice${v}`, keyFingerprint: FP, keyClaimed: true, reasons: [`reason${v}`] })],
  }, true);
  const inspect = (v: string) => formatInspect({
    image: `r.example/app:v1${v}`, digest: `sha256:${'b'.repeat(64)}`, mediaType: `application/x${v}`, size: 1, signatureTag: 'sha256-b.sig', signed: true,
    platforms: [{ platform: `linux${v}/amd64`, digest: `sha256:${'c'.repeat(64)}` }],
    signatures: [signature({ identity: `r.example/app${v}`, creator: `Signet${v}`, timestamp: 1 })],
  } satisfies InspectResult);
  const sign = (v: string) => formatSign({
    image: `r.example/app:v1${v}`, digest: `sha256:${'b'.repeat(64)}`, mediaType: 'm', identity: `r.example/app${v}`,
    signatures: [{
      digest: `sha256:${'c'.repeat(64)}`, mediaType: 'm', platform: `linux${v}`, location: `r.example/app:sha256-x.sig${v}`, attempts: 1, alreadyPresent: false,
      readBack: { image: 'i', verdict: 'verified', message: `verified by alice${v}`, signers: [], signatures: [] },
    }],
  } satisfies SignResult);
  for (const [name, format] of [['verify', verify], ['inspect', inspect], ['sign', sign]] as const) {
    const evil = format(EVIL);
    assert.deepEqual(unprintableLines(evil), [], `${name}: ${evil}`);
    assert.equal(lineCount(evil), lineCount(format('')), `${name}: no line added:\n${evil}`);
    assert.ok(evil.includes('\\n\\x1b[2J\\x1b[32mVERIFIED'), `${name}: the sequence is shown: ${evil}`);
    assert.doesNotMatch(evil, /^VERIFIED/m);
  }
});

test('the output sinks escape what a formatter missed: commander\'s usage error naming a hostile option', async () => {
  const out: string[] = [];
  const code = await runCli(['--no-such\x1b[2J\u202e'], { out: (s) => { out.push(s); }, err: (s) => { out.push(s); }, env: process.env });
  assert.equal(code, 64);
  const text = out.join('\n');
  assert.deepEqual(unprintableLines(text), [], text);
  assert.match(text, /--no-such\\u001b\[2J\\u202e/);
});

test('the progress line shows a status message on one line, escaped', () => {
  const written: string[] = [];
  const stream = { isTTY: true, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
  const progress = startProgress(stream, 0);
  progress.update('listing r.example/evil\n\x1b[2JVERIFIED');
  progress.done();
  // Signet's own \r and erase-line sequence start the line; everything after them is printable.
  const shown = written.map((w) => w.replace(/^\r\x1b\[2K/, ''));
  assert.deepEqual(shown.flatMap((w) => unprintableLines(w)), [], JSON.stringify(written));
  assert.ok(shown.some((w) => w === 'listing r.example/evil\\n\\x1b[2JVERIFIED'), JSON.stringify(written));
});

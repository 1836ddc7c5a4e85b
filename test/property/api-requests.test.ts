// Property tests for the typed channel's request validators (shared/api.ts) and the dispatch in
// front of the handlers (electron/host/api-handlers.ts). For every operation, RUNS cases (10,000 by
// default; SIGNET_FUZZ_RUNS raises it) of arbitrary values and of a valid request mutated (wrong
// types, missing and unexpected fields, huge strings, `..` paths, NUL bytes, byte-level edits of
// its JSON) may only be accepted or refused with a ValidationError, quickly; and through dispatch a
// refused request answers VALIDATION without any handler running (counted by ctx.onHandler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { API_NAMES, ValidationError, isApiName, validateArgs, type ApiName } from '../../shared/api.js';
import { dispatch, type HostContext } from '../../electron/host/api-handlers.js';
import { parseSource } from '../../electron/engine/sources/transport.js';
import { SignetError } from '../../electron/engine/errors.js';
import { MemoryBackend } from '../helpers/memory-keychain.js';
import { makeTempDir } from '../helpers/tmp.js';
import { RUNS, edits, mutateText, params } from './fuzz.js';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';

/**
 * One well-formed request per operation (the type makes the list complete), with every optional
 * field too: its keys are all the fields the operation declares.
 */
const VALID: Record<ApiName, Record<string, unknown>> = {
  'sources.list': {},
  'sources.add': { kind: 'oci', location: '/tmp/layout' },
  'sources.remove': { id: 'abc123' },
  'images.list': { sourceId: 'abc123', opId: 'op-1' },
  'images.detail': { image: '127.0.0.1:5000/a/b:1' },
  'sign.plan': { image: 'oci:/tmp/layout:v1' },
  'sign.run': { image: 'registry.example/a:1', key: 'k', annotations: { team: 'x' }, recursive: true, platforms: [`sha256:${'a'.repeat(64)}`], pushTo: 'registry.example/b:1', opId: 'op' },
  'keys.list': {},
  'keys.generate': { name: 'k', algorithm: 'ed25519' },
  'keys.import': { name: 'k', pem: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n', password: 'pw' },
  'keys.rename': { name: 'a', newName: 'b' },
  'keys.delete': { name: 'a', fingerprint: 'SHA256:00' },
  'keys.exportPublic': { name: 'a' },
  'policy.export': { format: 'kyverno', images: 'registry.example/*', keys: ['a'], mode: 'audit' },
  'trust.list': {},
  'trust.preview': { pem: PEM },
  'trust.add': { name: 'a', pem: PEM },
  'trust.revoke': { name: 'a' },
  'trust.remove': { name: 'a' },
  'trust.restore': { name: 'a' },
  'registries.list': {},
  'registries.add': { host: 'registry.example:5000', auth: 'keychain', username: 'u', password: 'p', saveUnreachable: true },
  'registries.edit': { host: 'registry.example:5000', newHost: 'registry.example:5001', auth: 'keychain', username: 'u', password: 'p', saveUnreachable: false },
  'registries.remove': { host: 'registry.example' },
  'registries.test': { host: 'registry.example', auth: 'keychain', username: 'u', password: 'p' },
  'audit.list': {},
  'impact.preview': { change: 'trust.revoke', name: 'Alice' },
  'setup.status': {},
  'setup.dismiss': {},
};

const HUGE = 'x'.repeat(100_000);

/** Strings a hostile renderer would try: traversal, NUL and other control bytes, huge, lone surrogates. */
const hostileString = fc.oneof(
  fc.constantFrom(
    '', ' ', '..', '../', '../../etc/passwd', '/tmp/../etc/passwd', '/tmp/x/..', '\\..\\x', '/a\\..\\b', '%2e%2e/x',
    'a\u0000b', '\u0000', '/tmp/x\u0000', `${PEM}\u0000`, 'oci:/tmp/../x', 'oci:/tmp/x:/../../etc', 'docker-archive:../x.tar',
    'docker-archive:/tmp/../x.tar', 'docker-daemon:../x', 'registry.example/../x', '\u202e', '\ud800', '\n', HUGE,
    'x'.repeat(4097), `/${'a'.repeat(1024)}`, `-----BEGIN PUBLIC KEY-----${HUGE}`, '__proto__', 'constructor',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('../', '/..', '..', '\u0000', '\r\n', ':'), fc.string({ maxLength: 20 })).map(([a, b, c]) => a + b + c),
);

const anything = fc.anything({
  withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true,
  withTypedArray: true, withSparseArray: true, withBigInt: true, withDate: true, withUnicodeString: true,
});

const value = fc.oneof(anything, fc.jsonValue(), hostileString, fc.constant(undefined), fc.constant(null));
const extraKey = fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'opId', 'pushTo', 'username', 'password', '');

/** Arbitrary requests for `name`: anything at all, or its valid request (or `valid`) mutated. */
function requests(name: ApiName, valid: Record<string, unknown> = VALID[name]): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const pick = (i: number): string => keys.length ? keys[i % keys.length]! : 'extra';
  const withOwn = (o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> => {
    const copy = { ...o };
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  };
  return fc.oneof(
    anything,
    fc.jsonValue(),
    // One field of the wrong type, huge, a traversal, a NUL...
    fc.tuple(fc.nat(), value).map(([i, v]) => withOwn(valid, pick(i), v)),
    fc.tuple(fc.nat(), hostileString).map(([i, v]) => withOwn(valid, pick(i), v)),
    // A missing field.
    fc.nat().map((i) => { const copy = { ...valid }; delete copy[pick(i)]; return copy; }),
    // An unexpected field (including names found on Object.prototype).
    fc.tuple(extraKey, value).map(([k, v]) => withOwn(valid, k, v)),
    // Byte-level edits of its JSON, parsed when it still parses.
    fc.tuple(edits).map(([e]) => {
      const text = mutateText(JSON.stringify(valid), e);
      try { return JSON.parse(text) as unknown; } catch { return text; }
    }),
    // The right fields, wrapped or replaced wholesale.
    fc.constantFrom<unknown>([valid], JSON.stringify(valid), Object.values(valid), new Map(Object.entries(valid)), Object.assign(Object.create(null) as object, valid)),
  );
}

/** Own string values anywhere in an accepted request (what reaches handlers). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) { out.push(k); strings(x, out); }
  return out;
}

/** Names found on Object.prototype: `k in fields` in shared/api.ts's object() treats them as known fields. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Validates; true when accepted, false when refused with a ValidationError; anything else fails. */
function check(name: ApiName, args: unknown): boolean {
  const t0 = performance.now();
  try {
    validateArgs(name, args);
    return true;
  } catch (e) {
    if (!(e instanceof ValidationError)) {
      assert.fail(`${name}: not a ValidationError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}`);
    }
    assert.ok(e.message.length > 0 && e.message.length < 2000, 'a message for people, of sane length');
    return false;
  } finally {
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${name}: validation took ${ms.toFixed(0)} ms (a hang)`);
  }
}

test('every operation has a valid sample, and the sample is accepted', () => {
  assert.deepEqual(Object.keys(VALID).sort(), [...API_NAMES].sort());
  for (const name of API_NAMES) assert.equal(check(name, VALID[name]), true, name);
});

test(`validators: arbitrary and mutated requests are accepted or refused with a ValidationError (${RUNS} runs per operation)`, () => {
  const tally: Array<{ name: string; accepted: number; refused: number }> = [];
  for (const name of API_NAMES) {
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(requests(name), (args) => {
      if (!check(name, args)) { refused++; return; }
      accepted++;
      // What is accepted carries no NUL, nothing beyond the size caps, and no `..` path segment in
      // paths; and no field that the operation does not declare (Object.prototype names included).
      for (const k of Object.keys(args as object)) assert.ok(!INHERITED.has(k) && Object.hasOwn(VALID[name], k), `${name}: accepted an undeclared field "${k}"`);
      for (const s of strings(args)) {
        assert.ok(!s.includes('\u0000'), `${name}: accepted a NUL byte`);
        assert.ok(s.length <= 16 * 1024, `${name}: accepted a ${s.length}-character string`);
      }
      const o = args as Record<string, unknown>;
      if (name === 'sources.add' && (o.kind === 'oci' || o.kind === 'archive')) {
        const loc = o.location as string;
        assert.ok(loc.startsWith('/') && !loc.split(/[\\/]/).includes('..'), `${name}: accepted location ${JSON.stringify(loc)}`);
      }
      if (name === 'sign.run' && o.platforms !== undefined) {
        const platforms = o.platforms as unknown[];
        assert.ok(platforms.length <= 256 && platforms.every((d) => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d)), `${name}: accepted platforms ${JSON.stringify(platforms).slice(0, 200)}`);
      }
    }), params());
    tally.push({ name, accepted, refused });
  }
  console.log(`api validators: ${tally.length} operations covered, ${RUNS} runs each`);
  for (const t of tally) console.log(`  ${t.name}: ${t.accepted} accepted, ${t.refused} refused`);
  assert.equal(tally.length, API_NAMES.length);
});

// The namespace source kind has its own location grammar: whatever the validator lets through must
// reach the engine as that same namespace (host/prefix + '/'), or be refused there in words.
test(`sources.add, kind namespace: an accepted location is read by the engine as that namespace or refused as USAGE (${RUNS} runs)`, () => {
  let accepted = 0;
  let asNamespace = 0;
  fc.assert(fc.property(requests('sources.add', { kind: 'namespace', location: '127.0.0.1:5000/team/app' }), (args) => {
    if (!check('sources.add', args)) return;
    const o = args as { kind: string; location: string };
    if (o.kind !== 'namespace') return;
    accepted++;
    assert.ok(!o.location.endsWith('/') && !o.location.split('/').includes('..'), `accepted location ${JSON.stringify(o.location)}`);
    try {
      const spec = parseSource(`${o.location}/`);
      assert.equal(spec.kind, 'namespace', o.location);
      if (spec.kind === 'namespace') assert.equal(spec.prefix === '' ? spec.registry : `${spec.registry}/${spec.prefix}`, o.location);
      asNamespace++;
    } catch (e) {
      assert.ok(e instanceof SignetError && e.code === 'USAGE', `${JSON.stringify(o.location)}: ${String(e)}`);
    }
  }), params());
  console.log(`sources.add namespace: ${accepted} accepted, ${asNamespace} read as that namespace by the engine`);
  assert.ok(asNamespace > 0, 'some mutated namespaces were accepted and read back');
});

// Found by this file: object() in shared/api.ts once checked fields with `k in fields`, which is
// true for Object.prototype's names, so { toString: 'a\u0000b' } passed every validator unchecked.
test('validators refuse fields named like Object.prototype members', () => {
  for (const name of API_NAMES) {
    for (const k of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const args = { ...VALID[name] };
      Object.defineProperty(args, k, { value: 'a\u0000b', enumerable: true, writable: true, configurable: true });
      assert.equal(check(name, args), false, `${name} accepted an unexpected field "${k}"`);
    }
  }
});

// Found by this file at 200,000 runs (npm run fuzz): an unexpected field's name was echoed whole,
// so a long one made a message of any length (and a control character went into it raw).
test('an unexpected field is named briefly, with control characters escaped', () => {
  for (const k of ['x'.repeat(100_000), 'a\u0000b\u001b[31m', '\u{10FFFF}'.repeat(5000)]) {
    const args = { ...VALID['keys.list'], [k]: 1 };
    try {
      validateArgs('keys.list', args);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof ValidationError, String(e));
      assert.ok(Array.from(e.message).length < 120, `${Array.from(e.message).length} characters: ${e.message.slice(0, 200)}`);
      assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
      assert.match(e.message, /^arguments: unexpected field "/);
      assert.doesNotMatch(e.message, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, 'no lone surrogate from the cut');
    }
  }
});

test(`dispatch: a refused request answers VALIDATION and never reaches a handler (${RUNS} runs per operation)`, async () => {
  const calls: string[] = [];
  const ctx: HostContext = {
    dataDir: await makeTempDir(), progress: () => undefined,
    keyBackend: new MemoryBackend(), registryBackend: new MemoryBackend(),
    onHandler: (n) => { calls.push(n); },
  };
  // The recorder works: a valid, harmless request does reach its handler.
  const ok = await dispatch('sources.list', {}, ctx);
  assert.deepEqual(ok, { ok: true, result: [] });
  assert.deepEqual(calls, ['sources.list']);
  calls.length = 0;

  let covered = 0;
  let dispatched = 0;
  for (const name of API_NAMES) {
    // Valid requests would run real handlers (network, keychain), so only refused ones are sent.
    await fc.assert(fc.asyncProperty(requests(name), async (args) => {
      if (check(name, args)) return;
      dispatched++;
      const r = await dispatch(name, args, ctx);
      assert.equal(r.ok, false, `${name}: a refused request was answered ok`);
      if (!r.ok) assert.equal(r.error.code, 'VALIDATION', `${name}: ${r.error.code} ${r.error.message}`);
      assert.deepEqual(calls, [], `${name}: a handler ran for a refused request`);
    }), params());
    covered++;
  }
  // Unknown operation names, including Object.prototype's, never reach a handler either.
  await fc.assert(fc.asyncProperty(
    fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'sources', 'sources.list ', 'SOURCES.LIST', HUGE)),
    fc.oneof(anything, fc.jsonValue()),
    async (name, args) => {
      if (isApiName(name)) return;
      const r = await dispatch(name, args, ctx);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'VALIDATION');
        assert.ok(r.error.message.length < 200, 'the unknown name is not echoed at length');
      }
      assert.deepEqual(calls, []);
    },
  ), params());
  console.log(`api dispatch: ${covered} operations covered, ${dispatched} refused requests dispatched, 0 reached a handler`);
  assert.equal(covered, API_NAMES.length);
});

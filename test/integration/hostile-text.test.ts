// Issue 11, findings 6 and 7: text an attacker with nothing but push access to the registry puts
// into signature payloads, signature manifests and indexes reaches the terminal and the audit log
// escaped. A real docker-registry suffices (the attacker needs no more than any pusher has): it
// stores a payload `creator`, a payload field name, a layer media type, a platform string and a
// layer annotation key with escape sequences and newlines as given, and serves them back.
//
// Every hostile image has an honest twin in another repository, built the same way with plain
// text in those places; the hostile output must have exactly as many lines as the twin's (no line
// injected), no control character on any line, no line beginning with VERIFIED (nothing here
// verifies), and show the hostile text as visible escapes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { OCI_MANIFEST, pushBlob, pushIndex, pushManifest, pushRandomImage } from '../helpers/push.js';
import { makeTempDir } from '../helpers/tmp.js';
import { jsonLines, runSignet, type CliResult } from '../helpers/cli.js';
import { assertPrintable, outputLines, UNPRINTABLE } from '../helpers/printable.js';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const TAGS = ['creator', 'field', 'media', 'index', 'sigbad'] as const;

/** What the attacker writes into each place, or its honest twin's plain text. */
interface Texts { creator: string; fieldName: string; mediaType: string; platformOs: string; annotationKey: string }

/** Clears the screen, homes the cursor and draws a green line that looks like Signet's own verdict. */
const FAKE_VERDICT = '\x1b[2J\x1b[H\x1b[32mVERIFIED    registry.example/team/app:1.0  verified by alice (SHA256:831e5b0c2a4d7f19…)\x1b[0m';
/** A fake audit entry on a line of its own, then "concealed" text (SGR 8) to hide what follows. */
const FAKE_AUDIT_LINE = '2026-12-01T00:00:00Z  root  SIGNED  registry.example/team/app:1.0  key alice (SHA256:831e5b0c2a4d7f19…, keychain)';

const HOSTILE: Texts = {
  // DEL, a C1 CSI, a line separator, a right-to-left override and an isolate besides the ESCs:
  // JSON.stringify escapes none of these, so --json output is tested for them too.
  creator: `${FAKE_VERDICT}\u2028\u009b2J\u202eecila yb\u2066\x7f`,
  fieldName: `x\n${FAKE_VERDICT}\n`,
  mediaType: `${SIMPLE_SIGNING}\x1b[2J\n${FAKE_VERDICT}`,
  platformOs: `linux\n${FAKE_VERDICT}\u0085\r`,
  annotationKey: `x\n${FAKE_AUDIT_LINE}\n\x1b[8m`,
};
const HONEST: Texts = { creator: 'Signet 0.1.0', fieldName: 'x', mediaType: 'application/x-other', platformOs: 'linux', annotationKey: 'x' };

describe('hostile text from a registry is printed escaped (issue 11, findings 6 and 7)', () => {
  let reg: TestRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  // The attacker's key: a well-formed Ed25519 signature that no trusted key made.
  const attacker = generateKeyPairSync('ed25519');
  const image = (repo: string, tag: string) => `${reg.host}/${repo}:${tag}`;

  /** Pushes `sha256-<hex>.sig` for `digest` holding one layer per entry, each signed by the attacker. */
  async function pushSignatures(repo: string, digest: string, layers: Array<{ payload: Buffer; mediaType?: string; extraAnnotations?: string }>): Promise<void> {
    const descriptors: string[] = [];
    const digests: string[] = [];
    for (const l of layers) {
      const payloadDigest = await pushBlob(reg, repo, l.payload);
      digests.push(payloadDigest);
      const signature = cryptoSign(null, l.payload, attacker.privateKey).toString('base64');
      // Written as JSON text so an annotation whose value is null (which the registry, in Go,
      // reads as "" and accepts, but Signet refuses) can be put in.
      descriptors.push(`{"mediaType":${JSON.stringify(l.mediaType ?? SIMPLE_SIGNING)},"digest":"${payloadDigest}","size":${l.payload.length},"annotations":{"${SIGNATURE_ANNOTATION}":"${signature}"${l.extraAnnotations ?? ''}}}`);
    }
    const config = Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: digests } }));
    const configDigest = await pushBlob(reg, repo, config);
    const manifest = `{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${configDigest}","size":${config.length}},"layers":[${descriptors.join(',')}]}`;
    await pushManifest(reg, repo, `${digest.replace(':', '-')}.sig`, manifest, OCI_MANIFEST);
  }

  function payload(repo: string, tag: string, digest: string, optional: Record<string, unknown> | null, extraCritical: Record<string, unknown> = {}): Buffer {
    return Buffer.from(JSON.stringify({
      critical: { identity: { 'docker-reference': image(repo, tag) }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature', ...extraCritical },
      optional,
    }));
  }

  /** One image per place the attacker can write to, each tagged after it. */
  async function plant(repo: string, t: Texts): Promise<void> {
    const creator = await pushRandomImage(reg, repo, 'creator');
    await pushSignatures(repo, creator.digest, [{ payload: payload(repo, 'creator', creator.digest, { creator: t.creator, timestamp: 1767225600 }) }]);
    const field = await pushRandomImage(reg, repo, 'field');
    await pushSignatures(repo, field.digest, [{ payload: payload(repo, 'field', field.digest, null, { [t.fieldName]: 1 }) }]);
    const media = await pushRandomImage(reg, repo, 'media');
    await pushSignatures(repo, media.digest, [{ payload: payload(repo, 'media', media.digest, null), mediaType: t.mediaType }]);
    const child = await pushRandomImage(reg, repo, 'index-child');
    await pushIndex(reg, repo, 'index', [{ digest: child.digest, size: child.manifest.length, platform: { os: t.platformOs, architecture: 'amd64' } }]);
    const sigbad = await pushRandomImage(reg, repo, 'sigbad');
    await pushSignatures(repo, sigbad.digest, [{ payload: payload(repo, 'sigbad', sigbad.digest, null), extraAnnotations: `,${JSON.stringify(t.annotationKey)}:null` }]);
  }

  before(async () => {
    [reg, dir] = await Promise.all([startRegistry(), makeTempDir()]);
    env = { SIGNET_HOME: join(dir, 'home'), COSIGN_PASSWORD: 'victim-pw', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    // The user trusts alice, whose name the fake lines borrow.
    const g = await runSignet(['keys', 'generate-file', join(dir, 'alice'), '--alg', 'ed25519'], { env });
    assert.equal(g.code, 0, g.stderr);
    const t = await runSignet(['trust', 'add', join(dir, 'alice.pub'), '--name', 'alice'], { env });
    assert.equal(t.code, 0, t.stderr);
    await plant('evil/app', HOSTILE);
    await plant('honest/app', HONEST);
  });
  after(async () => { await reg?.stop(); });

  /** Runs the same command over the hostile repository and its honest twin. */
  async function both(args: (repo: string) => string[]): Promise<{ evil: CliResult; honest: CliResult }> {
    const [evil, honest] = await Promise.all([runSignet(args('evil/app'), { env }), runSignet(args('honest/app'), { env })]);
    return { evil, honest };
  }

  /**
   * The hostile output is as printable and as long as the honest one. No line may read as a
   * verdict: nothing here verifies (verify and images exit non-zero, checked by the caller), and
   * inspect prints no verdict words at all.
   */
  function assertLikeTwin(r: { evil: CliResult; honest: CliResult }, what: string): void {
    assertPrintable(r.evil, what);
    assert.equal(r.evil.code, r.honest.code, `${what}: exit code\n${r.evil.stdout}${r.evil.stderr}`);
    assert.equal(outputLines(r.evil.stdout).length, outputLines(r.honest.stdout).length, `${what}: stdout has as many lines as the honest output\n${r.evil.stdout}\n--- honest:\n${r.honest.stdout}`);
    assert.equal(outputLines(r.evil.stderr).length, outputLines(r.honest.stderr).length, `${what}: stderr has as many lines as the honest output\n${r.evil.stderr}\n--- honest:\n${r.honest.stderr}`);
    for (const line of [...outputLines(r.evil.stdout), ...outputLines(r.evil.stderr)]) {
      assert.doesNotMatch(line, /^\s*VERIFIED/, `${what}: a line that reads as a verdict: ${JSON.stringify(line)}`);
    }
  }

  test('verify, verify -v and verify --json', async () => {
    const all = (repo: string) => TAGS.map((t) => image(repo, t));
    const plain = await both((repo) => ['verify', ...all(repo)]);
    assertLikeTwin(plain, 'verify');
    const verbose = await both((repo) => ['verify', '-v', ...all(repo)]);
    assertLikeTwin(verbose, 'verify -v');
    assert.equal(plain.evil.code, 2, 'one image could not be checked (its signature manifest does not parse), none verified');
    // Each place the attacker wrote is shown, as escapes anyone can read.
    assert.ok(plain.evil.stdout.includes('\\x1b[2J\\x1b[H\\x1b[32mVERIFIED'), plain.evil.stdout);
    assert.ok(plain.evil.stdout.includes('x\\n\\x1b[2J'), `the payload field name: ${plain.evil.stdout}`);
    assert.ok(plain.evil.stdout.includes(`${SIMPLE_SIGNING}\\x1b[2J\\n`), `the layer media type: ${plain.evil.stdout}`);
    assert.ok(plain.evil.stdout.includes(`x\\n${FAKE_AUDIT_LINE.slice(0, 20)}`), `the annotation key: ${plain.evil.stdout}`);

    const json = await both((repo) => ['verify', '--json', ...all(repo)]);
    assertLikeTwin(json, 'verify --json');
    assert.equal(json.evil.code, 2);
    const results = jsonLines(json.evil.stdout);
    assert.deepEqual(results.map((r) => r.verdict), ['unknown-key', 'invalid', 'invalid', 'unsigned', 'error']);
    // The engine's sentences quote what the registry sent, so a `jq -r` reader of the reasons
    // gets escapes too, not the raw sequence.
    const mediaReasons = results[2].signatures[0].reasons.join(' ');
    assert.ok(mediaReasons.includes(`${SIMPLE_SIGNING}\\x1b[2J\\n`), mediaReasons);
    assert.doesNotMatch(mediaReasons, UNPRINTABLE);
  });

  test('inspect and inspect --json', async () => {
    for (const tag of TAGS) {
      assertLikeTwin(await both((repo) => ['inspect', image(repo, tag)]), `inspect ${tag}`);
      assertLikeTwin(await both((repo) => ['inspect', '--json', image(repo, tag)]), `inspect --json ${tag}`);
    }
    const creator = await runSignet(['inspect', image('evil/app', 'creator')], { env });
    assert.ok(creator.stdout.includes('by \\x1b[2J\\x1b[H\\x1b[32mVERIFIED'), creator.stdout);
    assert.ok(creator.stdout.includes('\\u2028\\x9b2J\\u202eecila yb\\u2066\\x7f'), creator.stdout);
    const index = await runSignet(['inspect', image('evil/app', 'index')], { env });
    assert.ok(index.stdout.includes('linux\\n\\x1b[2J'), index.stdout);
    // --json keeps the exact values, with DEL, C1 and the Unicode controls as \u escapes.
    const cj = JSON.parse((await runSignet(['inspect', '--json', image('evil/app', 'creator')], { env })).stdout);
    assert.equal(cj.signatures[0].creator, HOSTILE.creator);
    const ij = JSON.parse((await runSignet(['inspect', '--json', image('evil/app', 'index')], { env })).stdout);
    assert.equal(ij.platforms[0].platform, `${HOSTILE.platformOs}/amd64`);
  });

  test('images', async () => {
    const human = await both((repo) => ['images', `${reg.host}/${repo}`]);
    assertLikeTwin(human, 'images');
    assert.equal(human.evil.code, 2);
    assertLikeTwin(await both((repo) => ['images', '--json', `${reg.host}/${repo}`]), 'images --json');
  });

  // Finding 7: `signet sign` refuses to overwrite a signature manifest it cannot parse; its error
  // names the annotation key, and went raw to stderr and into audit.log, where `signet log` drew
  // a fake SIGNED entry from it and concealed what followed.
  test('a failed signing: stderr, audit.log and signet log show the hostile key escaped', async () => {
    const victim = await pushRandomImage(reg, 'victim/app', 'v1');
    assert.ok(victim.digest);
    const ok = await runSignet(['sign', image('victim/app', 'v1'), '--key', join(dir, 'alice.key')], { env });
    assert.equal(ok.code, 0, ok.stderr);
    const failed = await runSignet(['sign', image('evil/app', 'sigbad'), '--key', join(dir, 'alice.key')], { env });
    assert.equal(failed.code, 2, failed.stdout + failed.stderr);
    assertPrintable(failed, 'sign');
    // One error line; besides it only progress lines (printed when signing takes over a second,
    // as on a loaded machine), which name the digest being signed and nothing from the registry.
    const stderrLines = outputLines(failed.stderr.replace(/\n$/, ''));
    const errors = stderrLines.filter((l) => l.startsWith('signet:'));
    assert.equal(errors.length, 1, `one error line: ${failed.stderr}`);
    assert.deepEqual(stderrLines.filter((l) => !l.startsWith('signet:') && !/^signing sha256:[0-9a-f]{64}$/.test(l)), [], `only progress lines beside it: ${failed.stderr}`);
    assert.match(errors[0]!, /^signet: The existing signature manifest at .* is malformed .*Signet will not overwrite it/);
    assert.ok(failed.stderr.includes(`x\\n${FAKE_AUDIT_LINE.slice(0, 30)}`), failed.stderr);

    const json = await runSignet(['log', '--json'], { env });
    assert.equal(json.code, 0, json.stderr);
    assertPrintable(json, 'log --json');
    // Issue 13: adding the teammate alice (in before()) is recorded too, first.
    const records = jsonLines(json.stdout);
    assert.deepEqual(records.map((r) => r.outcome), ['changed', 'signed', 'failed']);
    assert.deepEqual([records[0].kind, records[0].action, records[0].subject], ['teammate', 'added', 'alice']);
    // Stored escaped: a `jq -r .error` consumer prints one line without control characters.
    assert.doesNotMatch(records[2].error, UNPRINTABLE);
    assert.doesNotMatch(records[2].error, /\n/);
    assert.ok(records[2].error.includes(`x\\n${FAKE_AUDIT_LINE.slice(0, 30)}`), records[2].error);

    const log = await runSignet(['log'], { env });
    assert.equal(log.code, 0, log.stderr);
    assertPrintable(log, 'log');
    const lines = outputLines(log.stdout.replace(/\n$/, ''));
    const entryLines = lines.filter((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    assert.equal(entryLines.length, records.length, `one entry line per record:\n${log.stdout}`);
    assert.deepEqual(entryLines.map((l) => l.split(/\s+/)[2]), ['CHANGED', 'SIGNED', 'FAILED']);
    assert.ok(!lines.some((l) => l.startsWith(FAKE_AUDIT_LINE.slice(0, 20))), log.stdout);
    assert.ok(lines.some((l) => /^ {4}error: The existing signature manifest/.test(l) && l.includes('x\\n2026-12-01T00:00:00Z')), log.stdout);
  });
});

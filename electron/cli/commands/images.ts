import type { Command } from 'commander';
import { collect, EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatVerify } from '../output.js';
import { startProgress } from '../progress.js';
import { resolveVerifyKeys } from '../key-resolution.js';

export function registerImages(program: Command, ctx: CliContext): void {
  program.command('images')
    .description('list the images of a source with their verdicts')
    .argument('<source>', 'host[:port]/repo (every tag), host[:port]/namespace/ or host[:port]/ (every tag of every repository under it), oci:DIR, docker-archive:FILE or docker-daemon:')
    .option('--key <key>', 'trust only this key: a public key PEM file, or an own or trusted key\'s name (repeatable; default: your keys and the trust store)', collect, [])
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect, [])
    .option('--identity <ref>', 'for OCI layout images named by a bare tag: the registry repository they are signed for')
    .option('--json', 'one JSON object per image, one per line (as verify --json)')
    .action(async (source: string, o: { key: string[]; annotation: string[]; identity?: string; json?: boolean }) => {
      const requiredAnnotations = parseAnnotations(o.annotation);
      const keys = await resolveVerifyKeys(ctx, o.key);
      const engine = ctx.makeEngine();
      const progress = startProgress();
      try {
        const results = await engine.images(
          source, { keys, requiredAnnotations }, o.identity !== undefined ? { identity: o.identity } : {},
          { onProgress: (p) => progress.update(`checked ${p.done} of ${p.total} images`), onStatus: (message) => progress.update(message) },
        );
        progress.done();
        for (const r of results) ctx.io.out(o.json ? JSON.stringify(r) : formatVerify(r, false));
        if (!o.json) ctx.io.err(`${results.length} image${results.length === 1 ? '' : 's'} in ${source}`);
        ctx.setExit(results.every((r) => r.verdict === 'verified') ? EXIT.OK : results.some((r) => r.verdict === 'error') ? EXIT.ERROR : EXIT.NOT_VERIFIED);
      } finally {
        progress.done();
        await engine.close();
      }
    });
}

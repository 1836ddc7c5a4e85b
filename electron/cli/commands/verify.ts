import type { Command } from 'commander';
import { collect, EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatVerify } from '../output.js';
import { startProgress } from '../progress.js';
import { resolveVerifyKeys } from '../key-resolution.js';

export function registerVerify(program: Command, ctx: CliContext): void {
  program.command('verify')
    .description('verify the signatures of one or more images')
    .argument('<images...>', 'host[:port]/repo[:tag|@digest], oci:DIR[:NAME], docker-daemon:NAME ...')
    .option('--key <key>', 'trust only this key: a public key PEM file, or an own or trusted key\'s name (repeatable; default: your keys and the trust store)', collect, [])
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect, [])
    .option('--identity <ref>', 'for oci:DIR:NAME images: the registry repository (host/repo) their signatures must name')
    .option('--json', 'one JSON object per image, one per line')
    .option('-v, --verbose', 'show every check of every signature')
    .action(async (images: string[], o: { key: string[]; annotation: string[]; identity?: string; json?: boolean; verbose?: boolean }) => {
      const requiredAnnotations = parseAnnotations(o.annotation);
      const keys = await resolveVerifyKeys(ctx, o.key);
      const engine = ctx.makeEngine();
      const progress = startProgress();
      try {
        const results = await engine.verify(images, { keys, requiredAnnotations }, (p) => progress.update(`checked ${p.done} of ${p.total} images`), o.identity !== undefined ? { identity: o.identity } : {});
        progress.done();
        for (const r of results) ctx.io.out(o.json ? JSON.stringify(r) : formatVerify(r, o.verbose === true || images.length === 1));
        if (!o.json && results.length > 1) {
          const count = (v: string) => results.filter((r) => r.verdict === v).length;
          ctx.io.err(`${results.length} images: ${count('verified')} verified, ${results.length - count('verified') - count('error')} not verified, ${count('error')} could not be checked`);
        }
        ctx.setExit(results.every((r) => r.verdict === 'verified') ? EXIT.OK : results.some((r) => r.verdict === 'error') ? EXIT.ERROR : EXIT.NOT_VERIFIED);
      } finally {
        progress.done();
        await engine.close();
      }
    });
}

import { EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatVerify } from '../output.js';
import { startProgress } from '../progress.js';
import { resolveVerifyKeys } from '../key-resolution.js';
import { jsonLine } from '../../../shared/printable.js';

export interface VerifyOptions { key: string[]; annotation: string[]; identity?: string; json?: boolean; verbose?: boolean }

export async function verify(ctx: CliContext, images: string[], o: VerifyOptions): Promise<void> {
  const requiredAnnotations = parseAnnotations(o.annotation);
  const keys = await resolveVerifyKeys(ctx, o.key);
  const engine = await ctx.makeEngine();
  const progress = startProgress();
  try {
    const results = await engine.verify(images, { keys, requiredAnnotations }, (p) => progress.update(`checked ${p.done} of ${p.total} images`), o.identity !== undefined ? { identity: o.identity } : {});
    progress.done();
    for (const r of results) ctx.io.out(o.json ? jsonLine(r) : formatVerify(r, o.verbose === true || images.length === 1));
    if (!o.json && results.length > 1) {
      const count = (v: string) => results.filter((r) => r.verdict === v).length;
      ctx.io.err(`${results.length} images: ${count('verified')} verified, ${results.length - count('verified') - count('error')} not verified, ${count('error')} could not be checked`);
    }
    ctx.setExit(results.every((r) => r.verdict === 'verified') ? EXIT.OK : results.some((r) => r.verdict === 'error') ? EXIT.ERROR : EXIT.NOT_VERIFIED);
  } finally {
    progress.done();
    await engine.close();
  }
}

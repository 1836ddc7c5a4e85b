import { EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatVerify } from '../output.js';
import { startProgress } from '../progress.js';
import { resolveVerifyKeys } from '../key-resolution.js';
import type { SkippedNames } from '../../engine/registry/skipped-names.js';
import { jsonLine, printable } from '../../../shared/printable.js';

export interface ImagesOptions { key: string[]; annotation: string[]; identity?: string; json?: boolean }

export async function images(ctx: CliContext, source: string, o: ImagesOptions): Promise<void> {
  const requiredAnnotations = parseAnnotations(o.annotation);
  const keys = await resolveVerifyKeys(ctx, o.key);
  const engine = await ctx.makeEngine();
  const progress = startProgress();
  const skipped: SkippedNames[] = [];
  try {
    const results = await engine.images(
      source, { keys, requiredAnnotations }, o.identity !== undefined ? { identity: o.identity } : {},
      { onProgress: (p) => progress.update(`checked ${p.done} of ${p.total} images`), onStatus: (message) => progress.update(message), onSkipped: (s) => skipped.push(s) },
    );
    progress.done();
    for (const r of results) ctx.io.out(o.json ? jsonLine(r) : formatVerify(r, false));
    // On stderr also with --json, which stays one object per image. The names are not shown: a
    // registry chose them, and they are exactly the ones that could forge lines.
    for (const s of skipped) ctx.io.err(`signet: ${s.message}.`);
    if (results.length === 0) {
      // Nothing checked is not "all verified": a mistyped namespace must not pass a CI gate.
      ctx.io.err(`signet: no images in ${printable(source)}, so nothing was verified.`);
      ctx.setExit(skipped.length > 0 ? EXIT.ERROR : EXIT.NOT_VERIFIED);
      return;
    }
    if (!o.json) ctx.io.err(`${results.length} image${results.length === 1 ? '' : 's'} in ${printable(source)}`);
    // Names skipped unchecked mean not everything listed was checked: "could not check", as an error row.
    ctx.setExit(results.every((r) => r.verdict === 'verified') && skipped.length === 0 ? EXIT.OK
      : results.some((r) => r.verdict === 'error') || skipped.length > 0 ? EXIT.ERROR : EXIT.NOT_VERIFIED);
  } finally {
    progress.done();
    await engine.close();
  }
}

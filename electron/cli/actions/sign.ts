import { EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatSign } from '../output.js';
import { startProgress } from '../progress.js';
import { auditLog, resolveSigner } from '../key-resolution.js';
import type { PlatformFlags } from '../platform-options.js';
import { platformChoice, severalMatched } from './platform-choice.js';
import { jsonLine, printableText } from '../../../shared/printable.js';

export interface SignOptions extends PlatformFlags { key: string; annotation: string[]; identity?: string; json?: boolean }

export async function sign(ctx: CliContext, image: string, o: SignOptions): Promise<void> {
  const annotations = parseAnnotations(o.annotation);
  const choice = platformChoice(o);
  const { signer, name, audit } = await resolveSigner(ctx, o.key);
  const log = auditLog(ctx);
  const engine = await ctx.makeEngine();
  const progress = startProgress();
  try {
    let result;
    try {
      result = await engine.sign(image, signer, { ...choice, annotations, keyName: name, onProgress: (m) => progress.update(m), ...(o.identity !== undefined ? { identity: o.identity } : {}) });
    } catch (e) {
      await log.recordFailed(audit, image, annotations, e).catch(() => undefined); // the signing error is what matters
      throw e;
    }
    progress.done();
    const notes = severalMatched(result, o.platform);
    if (o.json) {
      ctx.io.out(jsonLine(result));
      for (const n of notes) ctx.io.err(`signet: ${n}`);
    } else {
      ctx.io.out([formatSign(result), ...notes].join('\n'));
    }
    try {
      await log.recordSigned(audit, annotations, result);
    } catch (e) {
      ctx.io.err(`signet: the image is signed, but the audit log could not be written: ${printableText((e as Error).message)}`);
      ctx.setExit(EXIT.ERROR);
    }
  } finally {
    progress.done();
    await engine.close();
  }
}

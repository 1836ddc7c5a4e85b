import { parseAnnotations, type CliContext } from '../context.js';
import { formatSign } from '../output.js';
import { startProgress } from '../progress.js';
import { auditLog, resolveSigner } from '../key-resolution.js';
import type { PushProgress, PushResult } from '../../engine/push.js';
import { SignetError } from '../../engine/errors.js';
import type { PlatformFlags } from '../platform-options.js';
import { platformChoice, severalMatched } from './platform-choice.js';
import { jsonLine, printable } from '../../../shared/printable.js';

export interface PushOptions extends PlatformFlags { sign?: string; annotation: string[]; json?: boolean }

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

export function progressLine(p: PushProgress): string {
  switch (p.phase) {
    case 'checking': return 'checking the source';
    case 'uploading': return `uploading: ${mib(p.bytesDone)} of ${mib(p.bytesTotal)}, ${p.blobsDone} of ${p.blobsTotal} blobs${p.blobsSkipped > 0 ? ` (${p.blobsSkipped} already there)` : ''}`;
    case 'manifests': return 'writing manifests';
    case 'signatures': return 'copying signatures';
    case 'signing': return 'signing';
    case 'done': return 'done';
  }
}

export function formatPush(r: PushResult): string {
  const lines = [
    `Pushed ${printable(r.source)}`,
    `  to        ${printable(r.destination)}`,
    `  digest    ${r.digest}`,
    `  blobs     ${r.blobs.uploaded} uploaded (${mib(r.blobs.bytesUploaded)}), ${r.blobs.skipped} already there, ${mib(r.blobs.bytesTotal)} in all`,
  ];
  if (r.signaturesCopied > 0) lines.push(`  copied ${r.signaturesCopied} signature${r.signaturesCopied > 1 ? 's' : ''} from the source`);
  if (r.signature) lines.push(formatSign(r.signature));
  return lines.join('\n');
}

export async function push(ctx: CliContext, source: string, dest: string, o: PushOptions): Promise<void> {
  const annotations = parseAnnotations(o.annotation);
  const choice = platformChoice(o);
  if (o.sign === undefined && o.platform.length + o.platformDigest.length > 0) {
    throw new SignetError('USAGE', '--platform and --platform-digest choose what --sign signs; give --sign KEY as well.');
  }
  const key = o.sign !== undefined ? await resolveSigner(ctx, o.sign, '--sign') : undefined;
  const engine = await ctx.makeEngine();
  const progress = startProgress();
  try {
    let result;
    try {
      result = await engine.push(source, dest, {
        ...(key ? { signer: key.signer, sign: { ...choice, annotations, keyName: key.name } } : {}),
        onProgress: (p) => progress.update(progressLine(p)),
        ...(ctx.globals().debug ? { onMessage: (m: string) => ctx.io.err(`debug: ${m}`) } : {}),
      });
    } catch (e) {
      if (key) await auditLog(ctx).recordFailed(key.audit, dest, annotations, e).catch(() => undefined);
      throw e;
    }
    if (key && result.signature) await auditLog(ctx).recordSigned(key.audit, annotations, result.signature);
    progress.done();
    const notes = result.signature ? severalMatched(result.signature, o.platform) : [];
    if (o.json) {
      ctx.io.out(jsonLine(result));
      for (const n of notes) ctx.io.err(`signet: ${n}`);
    } else {
      ctx.io.out([formatPush(result), ...notes].join('\n'));
    }
  } finally {
    progress.done();
    await engine.close();
  }
}

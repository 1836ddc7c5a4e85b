import type { Command } from 'commander';
import { collect, EXIT, parseAnnotations, type CliContext } from '../context.js';
import { formatSign } from '../output.js';
import { startProgress } from '../progress.js';
import { auditLog, resolveSigner } from '../key-resolution.js';
import { addPlatformOptions, platformChoice, severalMatched, type PlatformFlags } from '../platform-options.js';

export function registerSign(program: Command, ctx: CliContext): void {
  const command = program.command('sign')
    .description('sign an image in a registry with a keychain key or a cosign key file')
    .argument('<image>', 'host[:port]/repo[:tag|@digest], oci:DIR[:NAME], or docker-daemon:NAME (at its registry digest)')
    .requiredOption('--key <key>', 'a keychain key\'s name or id, or a cosign private key file (password from COSIGN_PASSWORD or a prompt)')
    .option('-a, --annotation <key=value>', 'annotation written into the signed payload (repeatable)', collect, [])
    .option('--no-recursive', 'for a multi-platform index, sign the index only (default: the index and every platform)');
  addPlatformOptions(command)
    .option('--identity <ref>', 'for oci:DIR:NAME: the registry name (host/repo[:tag]) written into the signature, i.e. where the image will be pushed')
    .option('--json', 'print the result as JSON')
    .action(async (image: string, o: PlatformFlags & { key: string; annotation: string[]; identity?: string; json?: boolean }) => {
      const annotations = parseAnnotations(o.annotation);
      const choice = platformChoice(o);
      const { signer, name, audit } = await resolveSigner(ctx, o.key);
      const log = auditLog(ctx);
      const engine = ctx.makeEngine();
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
          ctx.io.out(JSON.stringify(result));
          for (const n of notes) ctx.io.err(`signet: ${n}`);
        } else {
          ctx.io.out([formatSign(result), ...notes].join('\n'));
        }
        try {
          await log.recordSigned(audit, annotations, result);
        } catch (e) {
          ctx.io.err(`signet: the image is signed, but the audit log could not be written: ${(e as Error).message}`);
          ctx.setExit(EXIT.ERROR);
        }
      } finally {
        progress.done();
        await engine.close();
      }
    });
}

import type { Command } from 'commander';
import { collect, parseAnnotations, type CliContext } from '../context.js';
import { formatSign } from '../output.js';
import { startProgress } from '../progress.js';
import { signerFromKeyFile } from '../keys-from-files.js';

export function registerSign(program: Command, ctx: CliContext): void {
  program.command('sign')
    .description('sign an image in a registry with a cosign key file')
    .argument('<image>', 'host[:port]/repo[:tag|@digest]')
    .requiredOption('--key <file>', 'cosign private key (password from COSIGN_PASSWORD or a prompt)')
    .option('-a, --annotation <key=value>', 'annotation written into the signed payload (repeatable)', collect, [])
    .option('--no-recursive', 'for a multi-platform index, sign the index only (default: the index and every platform)')
    .option('--json', 'print the result as JSON')
    .action(async (image: string, o: { key: string; annotation: string[]; recursive: boolean; json?: boolean }) => {
      const annotations = parseAnnotations(o.annotation);
      const { signer, name } = await signerFromKeyFile(o.key);
      const engine = ctx.makeEngine();
      const progress = startProgress();
      try {
        const result = await engine.sign(image, signer, { annotations, recursive: o.recursive, keyName: name, onProgress: (m) => progress.update(m) });
        progress.done();
        ctx.io.out(o.json ? JSON.stringify(result) : formatSign(result));
      } finally {
        progress.done();
        await engine.close();
      }
    });
}

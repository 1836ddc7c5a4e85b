import { SignetError } from '../../engine/errors.js';
import { resolveDataDir } from '../../engine/data-dir.js';
import { installTrustedRoot, loadTrustedRoot, readTrustedRootFile, trustedRootPaths } from '../../engine/trust/trusted-root/trusted-root-store.js';
import { summarizeTrustedRoot } from '../../engine/trust/trusted-root/trusted-root-summary.js';
import { fetchTrustedRootThroughTuf } from '../../engine/trust/trusted-root/trusted-root-update.js';
import type { CliContext } from '../context.js';
import { formatTrustedRoot, formatTrustedRootCounts } from '../trusted-root-output.js';
import { jsonLine, printable } from '../../../shared/printable.js';

export async function show(ctx: CliContext, o: { trustedRoot?: string; json?: boolean }): Promise<void> {
  const loaded = await loadTrustedRoot({ dataDir: resolveDataDir(ctx.io.env), file: o.trustedRoot });
  const summary = summarizeTrustedRoot(loaded);
  ctx.io.out(o.json ? jsonLine(summary) : formatTrustedRoot(summary));
}

export async function update(ctx: CliContext, o: { from?: string; mirror?: string; tufRoot?: string; json?: boolean }): Promise<void> {
  if (o.from !== undefined && (o.mirror !== undefined || o.tufRoot !== undefined)) {
    throw new SignetError('USAGE', '--from installs a file; --mirror and --tuf-root choose a TUF repository: give one or the other.');
  }
  const dataDir = resolveDataDir(ctx.io.env);
  let text: string;
  let source: string;
  if (o.from !== undefined) {
    const fromFile = await readTrustedRootFile(o.from); // validated before anything is written
    text = fromFile.text;
    source = `file ${o.from}`;
  } else {
    ({ text, source } = await fetchTrustedRootThroughTuf({ cacheDir: trustedRootPaths(dataDir).tufCache, mirrorURL: o.mirror, tufRootPath: o.tufRoot }));
  }
  const result = await installTrustedRoot(dataDir, text, source);
  const summary = summarizeTrustedRoot(result.installed);
  if (o.json) {
    ctx.io.out(jsonLine({ changed: result.changed, previousSha256: result.previousSha256, installed: summary }));
    return;
  }
  ctx.io.out(result.changed
    ? `Installed the trusted root from ${printable(source)}: ${formatTrustedRootCounts(summary)} (sha256 ${summary.sha256}). Keyless signatures are verified against it from now on, offline.`
    : `The trusted root from ${printable(source)} is the one already in use (sha256 ${summary.sha256}); recorded as checked now.`);
}

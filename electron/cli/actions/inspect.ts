import type { CliContext } from '../context.js';
import { formatInspect } from '../output.js';
import { jsonLine } from '../../../shared/printable.js';

export async function inspect(ctx: CliContext, image: string, o: { json?: boolean }): Promise<void> {
  const engine = await ctx.makeEngine();
  try {
    const r = await engine.inspect(image);
    ctx.io.out(o.json ? jsonLine(r) : formatInspect(r));
  } finally {
    await engine.close();
  }
}

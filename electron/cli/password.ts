import { SignetError } from '../engine/errors.js';

/**
 * The key password, as cosign takes it: COSIGN_PASSWORD when set (CI), else a hidden prompt on
 * the terminal. With neither, a plain error rather than a hang waiting on a pipe.
 */
export async function readPassword(prompt: string, env: NodeJS.ProcessEnv = process.env, confirm = false): Promise<string> {
  const fromEnv = env.COSIGN_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new SignetError('USAGE', 'A key password is needed: set COSIGN_PASSWORD, or run in a terminal to be asked for it.');
  }
  const first = await promptHidden(prompt);
  if (confirm) {
    const again = await promptHidden('Enter the password again: ');
    if (again !== first) throw new SignetError('USAGE', 'The two passwords differ.');
  }
  return first;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new SignetError('USAGE', 'Cancelled.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}

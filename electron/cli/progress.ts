import { printableText } from '../../shared/printable.js';

/**
 * Progress on stderr for work that takes over a second: nothing for quick runs, a line updated
 * in place on a terminal, and an occasional plain line when stderr is a file or a CI log.
 */
export interface Progress {
  update(text: string): void;
  done(): void;
}

export function startProgress(stream: NodeJS.WriteStream = process.stderr, delayMs = 1000): Progress {
  const started = Date.now();
  let last = '';
  let lastPrinted = 0;
  let shown = false;
  const tty = stream.isTTY === true;
  const print = (force: boolean) => {
    const now = Date.now();
    if (!last || now - started < delayMs) return;
    if (tty) {
      stream.write(`\r\x1b[2K${last}`);
      shown = true;
    } else if (force || now - lastPrinted >= 2000) {
      stream.write(`${last}\n`);
      lastPrinted = now;
    }
  };
  const timer = setInterval(() => print(false), 250);
  timer.unref();
  return {
    update(text: string) {
      last = printableText(text); // one line, whatever a status message quotes from a registry
      if (tty) print(false);
    },
    done() {
      clearInterval(timer);
      if (tty && shown) stream.write('\r\x1b[2K');
    },
  };
}

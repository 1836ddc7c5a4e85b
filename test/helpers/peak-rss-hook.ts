// Loaded with `node --import` into a child process measured by measured-run.ts (never imported
// by a test: it would measure the test): at exit it writes the process's peak RSS (kilobytes,
// from getrusage) to stderr on a line of its own.
import { writeSync } from 'node:fs';
import { PEAK_RSS_MARKER } from './peak-rss-marker.js';

process.on('exit', () => {
  writeSync(2, `\n${PEAK_RSS_MARKER}${process.resourceUsage().maxRSS}\n`);
});

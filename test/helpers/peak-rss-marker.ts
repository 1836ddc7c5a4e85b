// The stderr line prefix peak-rss-hook.ts writes and measured-run.ts reads (then removes).
export const PEAK_RSS_MARKER = 'signet-peak-rss-kb=';

/**
 * The progress of one images.list request as events on the channel, so the Images table fills in
 * while the engine works: every name at once (shown as "checking…"), then the decided rows in
 * batches, first with their verdicts and later again with platforms and creation time. Batches go
 * out at most ten times a second: the table keeps up, and 1,000 images do not make 2,000 events.
 */
import type { ImageRow, ProgressEvent } from '../../shared/api.js';
import type { ListObserver } from '../engine/local.js';

const BATCH_INTERVAL_MS = 100;

export interface ListProgress {
  /** Pass to Engine.images. */
  observer: ListObserver;
  /** Sends what is still queued and the closing message. */
  finish(): void;
  /** Drops anything queued (the request failed: its error is the answer). Safe after finish. */
  close(): void;
}

export function listProgress(send: (e: ProgressEvent) => void, opId: string, label: string): ListProgress {
  let total = 0;
  let checked = 0;
  let withFacts = 0;
  // Keyed by image: a row's later version (with facts) replaces its earlier one if that is unsent.
  let queue = new Map<string, ImageRow>();
  let lastSent = 0;
  let timer: NodeJS.Timeout | undefined;

  const message = (): string => checked < total
    ? `Checked ${checked} of ${total} images…`
    : `Checked ${total} of ${total} images; reading platforms and creation times (${withFacts} of ${total})…`;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (queue.size === 0) return;
    lastSent = Date.now();
    send({ opId, message: message(), done: checked, total, rows: [...queue.values()] });
    queue = new Map();
  };
  let closed = false;
  const enqueue = (row: ImageRow): void => {
    if (closed) return; // the request has answered (or failed): late rows would follow its answer
    queue.set(row.image, row);
    // Rows decided in the same moment go together; after a batch, the next waits out the interval.
    timer ??= setTimeout(flush, Math.max(0, lastSent + BATCH_INTERVAL_MS - Date.now()));
  };

  send({ opId, message: `Listing the images of ${label}…` });
  return {
    observer: {
      onListed: (images) => {
        total = images.length;
        send({ opId, message: `Found ${total} image${total === 1 ? '' : 's'}; checking them…`, done: 0, total, listed: images });
      },
      // Rare (a registry listed names that are not names), so each goes out at once.
      onSkipped: (skipped) => send({ opId, message: `Signet ${skipped.message}.`, skipped: [skipped] }),
      onStatus: (status) => {
        // A namespace lists its repositories and their tags first: say so, as sparingly as batches.
        if (Date.now() - lastSent < BATCH_INTERVAL_MS) return;
        lastSent = Date.now();
        send({ opId, message: status });
      },
      onResult: (row) => { checked += 1; enqueue(row); },
      onFacts: (row) => { withFacts += 1; enqueue(row); },
    },
    finish: () => {
      flush();
      send({ opId, message: `Checked ${total} of ${total} images`, done: total, total });
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      queue.clear();
    },
  };
}

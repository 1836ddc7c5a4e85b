// The renderer's side of the channel: window.signet (Electron preload) when present, else the web
// host's POST /api/<name> with the per-launch token from location.hash.
import type { ApiName, ApiResponse, ArgsOf, ProgressEvent, ResultOf, SignetBridge } from '../../shared/api.js';

declare global {
  interface Window { signet?: SignetBridge }
}

export class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const token = (() => {
  const m = /token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  return m ? m[1]! : '';
})();

async function callWeb<N extends ApiName>(name: N, args: ArgsOf<N>): Promise<ApiResponse<ResultOf<N>>> {
  let res: Response;
  try {
    res = await fetch(`./api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
  } catch {
    return { ok: false, error: { code: 'NETWORK', message: 'Signet is not answering: is it still running?' } };
  }
  try {
    return (await res.json()) as ApiResponse<ResultOf<N>>;
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: `Signet answered ${res.status} without a result.` } };
  }
}

/** Operations that only read: every other one that succeeds may have changed what screens show. */
const READS = /\.(list|test|preview|plan|detail|status|exportPublic)$/;
const changeListeners = new Set<(name: ApiName) => void>();

/** Called after every successful change (a key generated, a registry saved…), e.g. to re-read a summary. */
export function onDataChanged(listener: (name: ApiName) => void): () => void {
  changeListeners.add(listener);
  return () => { changeListeners.delete(listener); };
}

export async function call<N extends ApiName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
  const r = window.signet ? await window.signet.call(name, args) : await callWeb(name, args);
  if (!r.ok) throw new ApiError(r.error.code, r.error.message);
  if (!READS.test(name)) changeListeners.forEach((l) => l(name));
  return r.result;
}

type Listener = (e: ProgressEvent) => void;
const listeners = new Set<Listener>();
let started = false;
let ready: Promise<void> = Promise.resolve();
/** How long to wait for the event stream before going ahead without it (the result still arrives). */
const EVENTS_WAIT_MS = 2000;

function startEvents(): void {
  if (started) return;
  started = true;
  if (window.signet) {
    window.signet.onProgress((e) => listeners.forEach((l) => l(e)));
    return;
  }
  const es = new EventSource(`./api/events?token=${encodeURIComponent(token)}`);
  ready = new Promise((resolve) => {
    es.addEventListener('open', () => resolve(), { once: true });
    setTimeout(resolve, EVENTS_WAIT_MS);
  });
  es.onmessage = (m) => {
    try {
      const e = JSON.parse(m.data as string) as ProgressEvent;
      listeners.forEach((l) => l(e));
    } catch { /* not ours */ }
  };
}

/**
 * Resolves once progress events can arrive. The web host sends each event to the streams open at
 * that moment, so a request whose first events matter (images.list's listing) waits for this.
 */
export function progressReady(): Promise<void> {
  startEvents();
  return ready;
}

export function onProgress(listener: Listener): () => void {
  startEvents();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let counter = 0;
export function newOpId(): string {
  counter += 1;
  return `op${Date.now().toString(36)}${counter}`;
}

export function hasToken(): boolean {
  return Boolean(window.signet) || token !== '';
}

/** Saves text as a file through the browser's download (both hosts). */
export function saveFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// `npm audit --omit=dev --json` for the release check "no high or critical finding", and the
// reading of what npm answers. The one rule that matters: a report is read first and decides
// alone, so a real finding can never be taken for "the endpoint is unavailable". Unavailable is
// only npm's own audit-error output (no report at all) for a missing endpoint, a server error or
// a network failure.
import { spawn } from 'node:child_process';
import { repoRoot } from './paths.js';

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityCounts = Record<Severity, number>;

export type NpmAuditVerdict =
  /** A report without high or critical findings (lower ones may be listed in `counts`). */
  | { kind: 'clean'; counts: SeverityCounts }
  | { kind: 'findings'; counts: SeverityCounts; packages: Array<{ name: string; severity: Severity }> }
  /** The audit endpoint itself could not be used: nothing was checked. */
  | { kind: 'unavailable'; reason: string }
  /** Anything else (an auth error, output npm never gives): fails, since nothing was proved. */
  | { kind: 'unreadable'; reason: string };

export interface NpmRun { code: number; stdout: string; stderr: string }

/** What npm prints on stderr when the audit request failed (npm's lib/utils/audit-error.js). */
const AUDIT_ERROR_LINE = /^npm error audit endpoint returned an error$/m;
/** Statuses meaning there is no working endpoint here: missing, method refused (a mirror or proxy), server down. */
const UNAVAILABLE_STATUS = (s: number) => s === 404 || s === 405 || (s >= 500 && s <= 599);
/** How npm-registry-fetch words a network failure in the error's message. */
const NETWORK_FAILURE = /^request to \S+ failed, reason: .*\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

export function runNpmAudit(extraArgs: string[] = [], timeoutMs = 120_000): Promise<NpmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['audit', '--omit=dev', '--json', ...extraArgs], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`npm audit did not finish in ${timeoutMs / 1000} s\n${stderr}`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

export function classifyNpmAudit(run: NpmRun): NpmAuditVerdict {
  let doc: unknown;
  try {
    doc = JSON.parse(run.stdout);
  } catch {
    return { kind: 'unreadable', reason: `npm printed no JSON (exit ${run.code}): ${firstLines(run.stderr)}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { kind: 'unreadable', reason: 'npm printed JSON that is not an object' };
  const o = doc as Record<string, unknown>;
  if ('auditReportVersion' in o || 'vulnerabilities' in o || 'metadata' in o) return readReport(o);

  const message = typeof o['message'] === 'string' ? o['message'] : '';
  if (!AUDIT_ERROR_LINE.test(run.stderr) || message === '') {
    return { kind: 'unreadable', reason: `npm printed neither a report nor its audit-endpoint error (exit ${run.code}): ${firstLines(run.stderr)}` };
  }
  const status = o['statusCode'];
  if (typeof status === 'number') {
    return UNAVAILABLE_STATUS(status)
      ? { kind: 'unavailable', reason: `the audit endpoint answered ${message}` }
      : { kind: 'unreadable', reason: `the audit endpoint refused the request: ${message}` };
  }
  if (NETWORK_FAILURE.test(message)) return { kind: 'unavailable', reason: `the audit endpoint could not be reached: ${message}` };
  return { kind: 'unreadable', reason: `npm's audit request failed in a way not known to mean "unavailable": ${message}` };
}

function readReport(o: Record<string, unknown>): NpmAuditVerdict {
  const meta = o['metadata'] as Record<string, unknown> | undefined;
  const v = meta?.['vulnerabilities'] as Record<string, unknown> | undefined;
  if (o['auditReportVersion'] !== 2 || !v || !SEVERITIES.every((s) => Number.isSafeInteger(v[s]))) {
    return { kind: 'unreadable', reason: 'npm printed a report in a shape this check does not know (auditReportVersion 2 expected)' };
  }
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, v[s] as number])) as SeverityCounts;
  if (counts.high + counts.critical === 0) return { kind: 'clean', counts };
  const vulns = (o['vulnerabilities'] ?? {}) as Record<string, { severity?: Severity }>;
  const packages = Object.entries(vulns)
    .filter(([, x]) => x.severity === 'high' || x.severity === 'critical')
    .map(([name, x]) => ({ name, severity: x.severity! }));
  return { kind: 'findings', counts, packages };
}

function firstLines(text: string): string {
  return text.split('\n').filter((l) => l.trim() && !/Unknown user config/.test(l)).slice(0, 3).join(' | ') || '(nothing on stderr)';
}

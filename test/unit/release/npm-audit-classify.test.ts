// How the release check reads `npm audit --omit=dev --json`. The registry's audit endpoint answers
// 405 on this machine, so no report from the real endpoint could be captured here. The inputs are:
//  - captured from npm 11.19.1 on 2026-11-24: the 405 answer, and the network failures (a name
//    that does not resolve, a closed port) with their stderr;
//  - report shapes captured from the same npm run against a local stand-in endpoint serving
//    constructed advisories (test/integration/npm-audit.test.ts does that live), trimmed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNpmAudit, type NpmRun } from '../../helpers/npm-audit.js';

const STDERR_ERROR = (warn: string) => `npm warn Unknown user config "nodedir". This will stop working in the next major version of npm.\nnpm warn audit ${warn}\nnpm error audit endpoint returned an error\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log\n`;

const CAPTURED_405: NpmRun = {
  code: 1,
  stdout: JSON.stringify({
    message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    method: 'POST', uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    headers: { allow: ['GET,HEAD'], 'content-length': ['0'], 'x-fetch-attempts': ['1'] },
    statusCode: 405, body: '', error: { summary: '', detail: '' },
  }, null, 2),
  stderr: STDERR_ERROR('405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk'),
};

const networkFailure = (reason: string): NpmRun => {
  const message = `request to http://registry.example/-/npm/v1/security/advisories/bulk failed, reason: ${reason}`;
  return { code: 1, stdout: JSON.stringify({ message, error: { summary: '', detail: '' } }, null, 2), stderr: STDERR_ERROR(message) };
};

function report(counts: Partial<Record<'info' | 'low' | 'moderate' | 'high' | 'critical', number>>, vulns: Record<string, string> = {}): NpmRun {
  const c = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts };
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const vulnerabilities = Object.fromEntries(Object.entries(vulns).map(([name, severity]) => [name, {
    name, severity, isDirect: true, via: [{ source: 1, name, dependency: name, title: 'constructed', url: 'https://example.invalid/a', severity, cwe: [], cvss: { score: 7.5 }, range: '<99.0.0' }],
    effects: [], range: '', nodes: [`node_modules/${name}`], fixAvailable: false,
  }]));
  return {
    code: c.info + c.low + c.moderate + c.high + c.critical > 0 ? 1 : 0,
    stdout: JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { ...c, total }, dependencies: { prod: 96, dev: 300, optional: 69, peer: 13, peerOptional: 0, total: 424 } } }, null, 2),
    stderr: 'npm warn Unknown user config "nodedir".\n',
  };
}

test('the 405 answer and network failures are "unavailable", with the reason', () => {
  const v405 = classifyNpmAudit(CAPTURED_405);
  assert.equal(v405.kind, 'unavailable');
  assert.match(v405.kind === 'unavailable' ? v405.reason : '', /405 Method Not Allowed/);
  for (const reason of ['getaddrinfo ENOTFOUND registry.example', 'connect ECONNREFUSED 127.0.0.1:9', 'getaddrinfo EAI_AGAIN registry.example', 'read ECONNRESET']) {
    const v = classifyNpmAudit(networkFailure(reason));
    assert.equal(v.kind, 'unavailable', reason);
  }
  const down = classifyNpmAudit({ ...CAPTURED_405, stdout: CAPTURED_405.stdout.replace('"statusCode": 405', '"statusCode": 503') });
  assert.equal(down.kind, 'unavailable');
});

test('a report with a high or critical finding fails and names the packages; lower findings pass', () => {
  const high = classifyNpmAudit(report({ high: 1 }, { yaml: 'high' }));
  assert.deepEqual(high.kind === 'findings' && high.packages, [{ name: 'yaml', severity: 'high' }]);
  const critical = classifyNpmAudit(report({ critical: 1, moderate: 1 }, { undici: 'critical', commander: 'moderate' }));
  assert.deepEqual(critical.kind === 'findings' && critical.packages, [{ name: 'undici', severity: 'critical' }]);
  const moderate = classifyNpmAudit(report({ moderate: 2, low: 1, info: 1 }, { yaml: 'moderate', undici: 'moderate', commander: 'low' }));
  assert.deepEqual(moderate, { kind: 'clean', counts: { info: 1, low: 1, moderate: 2, high: 0, critical: 0 } });
  assert.equal(classifyNpmAudit(report({})).kind, 'clean');
});

test('a report decides alone: a finding is never taken for "unavailable"', () => {
  // Even beside the audit-error line on stderr, and even with a 405-like status in the JSON.
  const r = report({ high: 1 }, { yaml: 'high' });
  const doc = { ...JSON.parse(r.stdout), statusCode: 405, message: '405 Method Not Allowed' };
  const v = classifyNpmAudit({ code: 1, stdout: JSON.stringify(doc), stderr: CAPTURED_405.stderr });
  assert.equal(v.kind, 'findings');
});

test('anything else is "unreadable" (the check fails): auth errors, missing npm error line, other output, old report shapes', () => {
  const cases: Array<[string, NpmRun]> = [
    ['401 from the endpoint', { ...CAPTURED_405, stdout: CAPTURED_405.stdout.replace('"statusCode": 405', '"statusCode": 401') }],
    ['a 405 JSON without npm\'s audit-error line', { ...CAPTURED_405, stderr: '' }],
    ['a network-looking message without npm\'s audit-error line', { ...networkFailure('getaddrinfo ENOTFOUND x'), stderr: 'npm error something else\n' }],
    ['an unknown failure message', networkFailure('certificate has expired')],
    ['no JSON', { code: 1, stdout: 'npm ERR! cb() never called', stderr: 'npm error cb() never called\n' }],
    ['a JSON list', { code: 0, stdout: '[]', stderr: '' }],
    ['an npm 6 report (auditReportVersion missing)', { code: 0, stdout: JSON.stringify({ actions: [], advisories: {}, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 } } }), stderr: '' }],
    ['a report without counts', { code: 0, stdout: JSON.stringify({ auditReportVersion: 2, vulnerabilities: {}, metadata: {} }), stderr: '' }],
  ];
  for (const [how, run] of cases) assert.equal(classifyNpmAudit(run).kind, 'unreadable', how);
});

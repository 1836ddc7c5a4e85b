// Release check: `npm audit --omit=dev` has no high or critical finding. It needs the registry's
// audit endpoint; where that is unavailable (405 from this network on 2026-11-24, a name that
// does not resolve, no network), the test is skipped with npm's reason, never passed. The second
// test runs the same npm against a local stand-in endpoint serving constructed advisories, so the
// way npm's real output is read is proved here even though the real endpoint cannot be reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { classifyNpmAudit, runNpmAudit } from '../helpers/npm-audit.js';
import { makeTempDir } from '../helpers/tmp.js';

test('npm audit --omit=dev: no high or critical finding in the production dependencies', async (t) => {
  const verdict = classifyNpmAudit(await runNpmAudit());
  if (verdict.kind === 'unavailable') {
    t.skip(`the npm registry's audit endpoint is unavailable here, so nothing was checked: ${verdict.reason}`);
    return;
  }
  assert.notEqual(verdict.kind, 'unreadable', verdict.kind === 'unreadable' ? verdict.reason : '');
  assert.equal(verdict.kind, 'clean', verdict.kind === 'findings' ? `high or critical findings: ${verdict.packages.map((p) => `${p.name} (${p.severity})`).join(', ')}` : '');
  console.log(`npm audit --omit=dev: ${JSON.stringify(verdict.kind === 'clean' ? verdict.counts : {})}`);
});

/** A stand-in for the registry's bulk advisory endpoint; every other request (packuments) is 404. */
async function standInEndpoint(answer: { status: number; advisories?: unknown }): Promise<{ url: string; server: Server; bulkRequests: () => number }> {
  let bulk = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/-/npm/v1/security/advisories/bulk') {
        bulk++;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.status === 405 ? { allow: 'GET,HEAD' } : {}) });
        res.end(answer.advisories === undefined ? '' : JSON.stringify(answer.advisories));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server, bulkRequests: () => bulk };
}

const advisory = (severity: string, id: number) => ({ yaml: [{ id, url: `https://example.invalid/advisory/${id}`, title: `constructed ${severity} advisory`, severity, vulnerable_versions: '<99.0.0', cwe: [], cvss: { score: 5 } }] });

test('real npm output from a stand-in endpoint: a high finding fails, a moderate one passes, a 405 is "unavailable"', async () => {
  const cases = [
    { answer: { status: 200, advisories: advisory('high', 1) }, expect: 'findings' },
    { answer: { status: 200, advisories: advisory('moderate', 2) }, expect: 'clean' },
    { answer: { status: 405 }, expect: 'unavailable' },
  ] as const;
  // npm caches what it computed per advisory: a cache of its own keeps runs from seeing each other's.
  const cache = await makeTempDir();
  for (const c of cases) {
    const endpoint = await standInEndpoint(c.answer);
    try {
      const verdict = classifyNpmAudit(await runNpmAudit([`--registry=${endpoint.url}`, '--fetch-retries=0', `--cache=${cache}`]));
      assert.equal(endpoint.bulkRequests(), 1, 'npm asked the stand-in');
      assert.equal(verdict.kind, c.expect, `${JSON.stringify(c.answer).slice(0, 80)}: ${JSON.stringify(verdict)}`);
      if (verdict.kind === 'findings') assert.deepEqual(verdict.packages, [{ name: 'yaml', severity: 'high' }]);
      if (verdict.kind === 'clean') assert.equal(verdict.counts.moderate, 1);
    } finally {
      await new Promise((ok) => endpoint.server.close(ok));
    }
  }
});

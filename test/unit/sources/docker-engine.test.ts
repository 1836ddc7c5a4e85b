// The engine source against a fake Docker-compatible API on a unix socket that replays answers
// recorded from Podman 4.3.1 (`podman system service`, see ../shared/env-notes.md §4).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { EngineClient, EngineSource, findEngineSocket, registryDigestOf, socketCandidates } from '../../../electron/engine/sources/docker-engine.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { writeArchive } from '../../helpers/archive.js';

// Recorded: GET /v1.41/images/json (trimmed to the fields Signet reads, plus a few it ignores).
const IMAGES_JSON = [
  { Id: 'sha256:036d680f52e9d5e4d57b714ed232cd4ef713fa055c95d823873eb24fddda4baf', ParentId: '', RepoTags: ['docker.io/demo/arch:v1'], RepoDigests: ['docker.io/demo/arch@sha256:8258c877162e305baf95900d528e82ffdea96ac6b6364a41ddaa7d7040d8bb89'], Created: 1795556672, Size: 3079, Containers: 0, Names: ['docker.io/demo/arch:v1'] },
  { Id: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', RepoTags: ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:latest'], RepoDigests: ['127.0.0.1:5000/team/app@sha256:2222222222222222222222222222222222222222222222222222222222222222'] },
  { Id: 'sha256:3333333333333333333333333333333333333333333333333333333333333333', RepoTags: null, RepoDigests: null },
];
// Recorded: GET /v1.41/images/nope:v9/json
const NOT_FOUND = { cause: 'failed to find image nope:v9: docker.io/library/nope:v9: No such image', message: 'failed to find image nope:v9: docker.io/library/nope:v9: No such image', response: 404 };

let dir: string;
let sock: string;
let server: Server;
let archive: string;
const requests: string[] = [];

before(async () => {
  dir = await makeTempDir('signet-engine-');
  sock = join(dir, 'podman.sock');
  archive = join(dir, 'export.tar');
  await writeArchive(archive, [{ tags: ['docker.io/demo/arch:v1'], viaSymlink: true }]);
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = decodeURIComponent(req.url ?? '');
    if (url === '/_ping') { res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'api-version': '1.41', 'libpod-api-version': '4.3.1' }); res.end('OK'); return; }
    if (url === '/v1.41/images/json') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(IMAGES_JSON)); return; }
    if (url === '/v1.41/images/demo/arch:v1/json') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(IMAGES_JSON[0])); return; }
    if (url === '/v1.41/images/demo/arch:v1/get') { res.writeHead(200, { 'content-type': 'application/octet; charset=us-ascii' }); createReadStream(archive).pipe(res); return; }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(NOT_FOUND));
  });
  await new Promise<void>((r) => server.listen(sock, r));
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('finds the socket from DOCKER_HOST, else the usual Docker and Podman places', async () => {
  assert.deepEqual(socketCandidates({ DOCKER_HOST: 'unix:///x/d.sock' }), ['/x/d.sock']);
  assert.deepEqual(socketCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' }), ['/var/run/docker.sock', '/run/user/1000/podman/podman.sock', '/run/podman/podman.sock']);
  assert.throws(() => socketCandidates({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }), (e: any) => e.code === 'USAGE' && /unix socket only/.test(e.message));
  assert.equal(await findEngineSocket({ DOCKER_HOST: `unix://${sock}` }), sock);
  await assert.rejects(findEngineSocket({ DOCKER_HOST: `unix://${join(dir, 'none.sock')}` }), (e: any) => /No local Docker or Podman engine was found/.test(e.message));
});

test('lists images with their tags and RepoDigests, one entry per tag', async () => {
  const client = new EngineClient(sock);
  await client.ping();
  const list = await new EngineSource(client).list();
  assert.deepEqual(list.map((i) => i.name), ['docker.io/demo/arch:v1', '127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:latest', 'sha256:3333333333333333333333333333333333333333333333333333333333333333']);
  assert.deepEqual(list[1]!.repoDigests, ['127.0.0.1:5000/team/app@sha256:2222222222222222222222222222222222222222222222222222222222222222']);
  assert.deepEqual(list[3]!.repoDigests, []);
});

test('the registry digest of an image is the RepoDigest in the named repository, with the tag kept for the identity', () => {
  const img = { Id: 'x', RepoTags: ['127.0.0.1:5000/team/app:v1'], RepoDigests: ['127.0.0.1:5000/team/app@sha256:2222222222222222222222222222222222222222222222222222222222222222', 'other.io/x@sha256:4444444444444444444444444444444444444444444444444444444444444444'] };
  assert.deepEqual(registryDigestOf(img, '127.0.0.1:5000/team/app:v1'), { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1', digest: 'sha256:2222222222222222222222222222222222222222222222222222222222222222' });
  assert.equal(registryDigestOf(img, 'other.io/x:v2')?.digest, 'sha256:4444444444444444444444444444444444444444444444444444444444444444');
  assert.equal(registryDigestOf(img, 'localhost/unrelated:v1'), undefined, 'a digest in another repository is not this name\'s');
  assert.equal(registryDigestOf({ Id: 'x', RepoTags: [], RepoDigests: [] }, 'a/b:c'), undefined);
});

test('an image is exported (streamed into a temp file) and read as a docker archive; a missing one is a plain error', async () => {
  const client = new EngineClient(sock);
  const src = new EngineSource(client, 'demo/arch:v1');
  const m = await src.resolve();
  assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  const layer = JSON.parse(Buffer.from(m.bytes).toString()).layers[0];
  await src.checkBlob(layer.digest, layer.size);
  await src.close();
  await assert.rejects(client.inspect('nope:v9'), (e: any) => e.code === 'MANIFEST_UNKNOWN' && /has no image "nope:v9"/.test(e.message));
  await assert.rejects(new EngineSource(client, 'nope:v9').resolve(), (e: any) => e.code === 'MANIFEST_UNKNOWN');
  assert.ok(requests.includes('GET /v1.41/images/demo%2Farch%3Av1/get'));
});

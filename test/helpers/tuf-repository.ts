// A TUF repository made in the test and served on 127.0.0.1, so `signet trust root update` is
// tested against the real TUF client (@sigstore/tuf → tuf-js) verifying real signed metadata:
// root, timestamp, snapshot and targets, signed with one Ed25519 key per role by @tufjs/models (the
// metadata library tuf-js itself uses). Sigstore's own repository cannot be reached from the tests.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Key, Metadata, MetaFile, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';

interface RoleKey { key: Key; privateKey: KeyObject }

function roleKey(): RoleKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  const keyID = createHash('sha256').update(raw).digest('hex');
  return { key: new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: raw } }), privateKey };
}

function signWith(md: Metadata<Root | Targets | Snapshot | Timestamp>, k: RoleKey): void {
  md.sign((data) => new Signature({ keyID: k.key.keyID, sig: sign(null, data, k.privateKey).toString('hex') }));
}

export interface TufRepository {
  url: string;
  /** The initial root.json (what `--tuf-root` names). */
  rootJson: string;
  /** Publishes `trustedRootText` as trusted_root.json in a new targets/snapshot/timestamp version. */
  publish(trustedRootText: string): void;
  /** Serve these bytes for the next requests of trusted_root.json instead of the signed ones. */
  tamperTarget(bytes: string | undefined): void;
  requests: string[];
  close(): Promise<void>;
}

export async function startTufRepository(): Promise<TufRepository> {
  const keys = { root: roleKey(), targets: roleKey(), snapshot: roleKey(), timestamp: roleKey() };
  const expires = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  // Root.fromJSON builds the roles (@tufjs/models does not export its Role class).
  const root = new Metadata(Root.fromJSON({
    _type: 'root', version: 1, spec_version: '1.0.31', expires, consistent_snapshot: true,
    keys: Object.fromEntries(Object.values(keys).map((k) => [k.key.keyID, k.key.toJSON()])),
    roles: Object.fromEntries(Object.entries(keys).map(([name, k]) => [name, { keyids: [k.key.keyID], threshold: 1 }])),
  }));
  signWith(root, keys.root);
  const rootJson = JSON.stringify(root.toJSON());
  const files = new Map<string, string>([['/1.root.json', rootJson]]);
  let version = 0;
  let tampered: string | undefined;
  const requests: string[] = [];

  const publish = (text: string): void => {
    version++;
    const hash = createHash('sha256').update(text).digest('hex');
    files.set(`/targets/${hash}.trusted_root.json`, text);
    const targets = new Metadata(new Targets({ version, specVersion: '1.0.31', expires, targets: { 'trusted_root.json': new TargetFile({ path: 'trusted_root.json', length: Buffer.byteLength(text), hashes: { sha256: hash } }) } }));
    signWith(targets, keys.targets);
    const targetsJson = JSON.stringify(targets.toJSON());
    files.set(`/${version}.targets.json`, targetsJson);
    const snapshot = new Metadata(new Snapshot({ version, specVersion: '1.0.31', expires, meta: { 'targets.json': new MetaFile({ version }) } }));
    signWith(snapshot, keys.snapshot);
    const snapshotJson = JSON.stringify(snapshot.toJSON());
    files.set(`/${version}.snapshot.json`, snapshotJson);
    const timestamp = new Metadata(new Timestamp({ version, specVersion: '1.0.31', expires, snapshotMeta: new MetaFile({ version, length: Buffer.byteLength(snapshotJson), hashes: { sha256: createHash('sha256').update(snapshotJson).digest('hex') } }) }));
    signWith(timestamp, keys.timestamp);
    files.set('/timestamp.json', JSON.stringify(timestamp.toJSON()));
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    const body = tampered !== undefined && path.endsWith('.trusted_root.json') ? tampered : files.get(path);
    if (body === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    rootJson,
    publish,
    tamperTarget: (bytes) => { tampered = bytes; },
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * One table, operation name -> handler over the engine and the stores: the web host and Electron's
 * ipcMain both dispatch through `dispatch`, which validates every argument (shared/api.ts) before
 * any handler runs. Handlers return metadata and public keys only; private keys stay in the
 * keychain and in engine memory while signing.
 */
import { Engine } from '../engine/engine.js';
import { SignetError, isSignetError } from '../engine/errors.js';
import { KeyStore, type KeyListEntry } from '../engine/keystore/keychain-key-store.js';
import type { KeyMetadata } from '../engine/keystore/key-metadata.js';
import type { SecretBackend } from '../engine/keystore/secret-backend.js';
import { TrustStore, defaultTrustedKeys, type TrustEntry } from '../engine/trust/trust-store.js';
import { AuditLog, type AuditKey } from '../engine/audit/audit-log.js';
import { exportPolicy } from '../engine/policy/index.js';
import { policyKeys } from '../engine/policy/policy-keys.js';
import { parseSource } from '../engine/sources/transport.js';
import { signatureTag } from '../engine/cosign/signature-manifest.js';
import { parseReference } from '../engine/content/reference.js';
import { parsePublicKeyPem } from '../engine/keys/public-key.js';
import type { Digest } from '../engine/content/digest.js';
import { RegistryStore, SourceStore, sourceTransport } from './host-stores.js';
import { listProgress } from './list-progress.js';
import { quoted } from '../../shared/printable.js';
import {
  ValidationError, isApiName, validateArgs,
  type Api, type ApiName, type ApiResponse, type ArgsOf, type KeyInfo, type ProgressEvent, type ResultOf, type TrustInfo,
} from '../../shared/api.js';

export interface HostContext {
  dataDir: string;
  /** Where progress of long work goes (SSE for the web host, webContents.send for Electron). */
  progress: (e: ProgressEvent) => void;
  /** Tests inject an in-memory keychain; hosts use the OS keychain. */
  keyBackend?: SecretBackend;
  registryBackend?: SecretBackend;
  /** Tests count engine calls through this. */
  onHandler?: (name: ApiName) => void;
}

type Handler<N extends ApiName> = (args: ArgsOf<N>, ctx: HostContext) => Promise<ResultOf<N>>;
type HandlerTable = { [N in ApiName]: Handler<N> };

const keyInfo = (k: KeyMetadata | KeyListEntry): KeyInfo => ({
  id: k.id, name: k.name, algorithm: k.algorithm, fingerprint: k.fingerprint, publicKeyPem: k.publicKeyPem, created: k.created, origin: k.origin,
  ...('inKeychain' in k ? { inKeychain: k.inKeychain } : {}),
});
const trustInfo = (e: TrustEntry): TrustInfo => ({ ...e });

const keys = (ctx: HostContext) => new KeyStore(ctx.dataDir, ...(ctx.keyBackend ? [ctx.keyBackend] : []));
const registries = (ctx: HostContext) => new RegistryStore(ctx.dataDir, ...(ctx.registryBackend ? [ctx.registryBackend] : []));

async function withEngine<T>(ctx: HostContext, use: (e: Engine) => Promise<T>): Promise<T> {
  const store = registries(ctx);
  const engine = new Engine({ registry: { credentials: (host) => store.credential(host) } });
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

/** Where the signature of `image` will be stored, in words. */
function storedAt(image: string, digest: string): string {
  const spec = parseSource(image);
  if (spec.kind === 'oci-layout') return `in the layout ${spec.dir}, as ${signatureTag(digest as Digest)}`;
  if (spec.kind === 'registry') return `${spec.ref.registry}/${spec.ref.repository}:${signatureTag(digest as Digest)}`;
  return 'in the registry the image is pushed to';
}

export const HANDLERS: HandlerTable = {
  'sources.list': async (_a, ctx) => new SourceStore(ctx.dataDir).list(),
  'sources.add': async (a, ctx) => new SourceStore(ctx.dataDir).add(a.kind, a.location),
  'sources.remove': async (a, ctx) => { await new SourceStore(ctx.dataDir).remove(a.id); return { removed: true }; },

  'images.list': async (a, ctx) => {
    const source = await new SourceStore(ctx.dataDir).get(a.sourceId);
    const policy = { keys: await defaultTrustedKeys(ctx.dataDir) };
    const progress = a.opId ? listProgress(ctx.progress, a.opId, source.label) : undefined;
    try {
      const rows = await withEngine(ctx, (e) => e.images(sourceTransport(source), policy, {}, { facts: true, ...progress?.observer }));
      progress?.finish();
      return rows;
    } finally {
      progress?.close();
    }
  },
  'images.detail': async (a, ctx) => withEngine(ctx, async (e) => {
    const r = await e.inspect(a.image);
    return { image: r.image, digest: r.digest, mediaType: r.mediaType, size: r.size, platforms: r.platforms, signatureTag: r.signatureTag };
  }),

  'sign.plan': async (a, ctx) => {
    const keyList = (await keys(ctx).metadata()).map(keyInfo);
    const kind = parseSource(a.image).kind;
    if (kind === 'docker-archive' || kind === 'engine') {
      try {
        const plan = await withEngine(ctx, (e) => e.planSigning(a.image));
        return { ...plan, storedAt: storedAt(a.image, plan.digest), needsPush: false, keys: keyList };
      } catch (e) {
        if (!(isSignetError(e) && e.code === 'MANIFEST_UNKNOWN')) throw e;
        // What the push will send is reviewed and then held to: an archive's manifest digest
        // (sign.run expectedDigest), or an engine image's ID (expectedImageId), since its
        // manifest would take an export to compute.
        const pushed = await withEngine(ctx, (e) => e.planPush(a.image));
        const identified = 'imageId' in pushed ? { digest: '', mediaType: '', imageId: pushed.imageId } : pushed;
        return { image: a.image, identity: '', ...identified, targets: [], platforms: [], storedAt: 'in the registry the image is pushed to', needsPush: true, keys: keyList };
      }
    }
    const plan = await withEngine(ctx, (e) => e.planSigning(a.image));
    return { ...plan, storedAt: storedAt(a.image, plan.digest), needsPush: false, keys: keyList };
  },
  'sign.run': async (a, ctx) => {
    const { signer, meta } = await keys(ctx).signer(a.key);
    const audit: AuditKey = { id: meta.id, name: meta.name, fingerprint: meta.fingerprint, source: 'keychain' };
    const log = new AuditLog(ctx.dataDir);
    const progress = (message: string) => { if (a.opId) ctx.progress({ opId: a.opId, message }); };
    const target = a.pushTo ?? a.image;
    const choice = { recursive: a.recursive, ...(a.platforms ? { platforms: a.platforms } : {}) };
    try {
      const result = await withEngine(ctx, async (e) => {
        if (a.pushTo) {
          parseReference(a.pushTo);
          const pushed = await e.push(a.image, a.pushTo, {
            signer, sign: { ...choice, annotations: a.annotations, keyName: meta.name },
            ...(a.expectedDigest ? { expectedDigest: a.expectedDigest as Digest } : {}),
            ...(a.expectedImageId ? { expectedImageId: a.expectedImageId as Digest } : {}),
            onMessage: progress,
            onProgress: (p) => { if (a.opId) ctx.progress({ opId: a.opId, message: `Pushing: ${p.phase}`, done: p.bytesDone, total: p.bytesTotal }); },
          });
          if (!pushed.signature) throw new SignetError('SIGN_RACE_LOST', 'The image was pushed but no signature was written.');
          return { ...pushed.signature, pushed: { dest: pushed.destination, digest: pushed.digest } };
        }
        return e.sign(a.image, signer, { ...choice, annotations: a.annotations, keyName: meta.name, onProgress: progress, ...(a.expectedDigest ? { expectedDigest: a.expectedDigest as Digest } : {}) });
      });
      await log.recordSigned(audit, a.annotations, result).catch(() => progress('The image is signed, but the audit log could not be written.'));
      return result;
    } catch (e) {
      await log.recordFailed(audit, target, a.annotations, e).catch(() => undefined);
      throw e;
    }
  },

  'keys.list': async (_a, ctx) => (await keys(ctx).list()).map(keyInfo),
  'keys.generate': async (a, ctx) => keyInfo(await keys(ctx).generate(a.name, a.algorithm)),
  'keys.import': async (a, ctx) => keyInfo(await keys(ctx).importCosignKey(a.pem, a.password, a.name)),
  'keys.rename': async (a, ctx) => keyInfo(await keys(ctx).rename(a.name, a.newName)),
  'keys.delete': async (a, ctx) => keyInfo(await keys(ctx).delete(a.name, a.fingerprint)),
  'keys.exportPublic': async (a, ctx) => {
    const meta = (await keys(ctx).metadata()).find((k) => k.name === a.name || k.id === a.name);
    if (!meta) throw new SignetError('NOT_FOUND', `There is no key named "${a.name}".`);
    return { name: meta.name, pem: meta.publicKeyPem, fingerprint: meta.fingerprint };
  },
  'policy.export': async (a, ctx) => {
    const ks = await policyKeys(ctx.dataDir, a.keys);
    const r = exportPolicy(a.format, { keys: ks, images: a.images });
    return { format: a.format, files: r.files.map((f) => ({ path: f.path, content: f.content, ...(f.mode !== undefined ? { mode: f.mode } : {}) })), notes: r.notes, keys: ks.map((k) => ({ name: k.name, fingerprint: k.fingerprint })) };
  },

  'trust.list': async (_a, ctx) => (await new TrustStore(ctx.dataDir).list()).map(trustInfo),
  'trust.preview': async (a) => { const k = parsePublicKeyPem(a.pem); return { algorithm: k.algorithm, fingerprint: k.fingerprint }; },
  'trust.add': async (a, ctx) => trustInfo(await new TrustStore(ctx.dataDir).add(a.pem, a.name)),
  'trust.revoke': async (a, ctx) => trustInfo((await new TrustStore(ctx.dataDir).revoke(a.name)).entry),
  'trust.remove': async (a, ctx) => trustInfo(await new TrustStore(ctx.dataDir).remove(a.name)),

  'registries.list': async (_a, ctx) => registries(ctx).list(),
  'registries.add': async (a, ctx) => registries(ctx).add({ host: a.host, auth: a.auth, ...(a.auth === 'keychain' ? { username: a.username! } : {}) }, a.password),
  'registries.remove': async (a, ctx) => { await registries(ctx).remove(a.host); return { removed: true }; },
  'registries.test': async (a, ctx) => withEngine(ctx, async (e) => {
    try {
      await e.registry.listTags({ registry: a.host, repository: 'signet/connection-test' });
      return { ok: true, message: `Reached ${a.host}; it accepted the credentials.` };
    } catch (err) {
      if (!isSignetError(err)) throw err;
      if (['NETWORK', 'AUTH_FAILED', 'INSECURE_REFUSED', 'CREDENTIALS_ERROR', 'KEYCHAIN_UNAVAILABLE'].includes(err.code)) return { ok: false, message: err.message };
      return { ok: true, message: `Reached ${a.host}; it answered (${err.message}).` };
    }
  }),

  'audit.list': async (_a, ctx) => new AuditLog(ctx.dataDir).read(),
};

/**
 * Validates, then runs one operation. Never throws: errors come back as { ok: false } in plain
 * words. Validation errors have code VALIDATION and never reach a handler.
 */
export async function dispatch(name: string, args: unknown, ctx: HostContext): Promise<ApiResponse<unknown>> {
  if (!isApiName(name)) return { ok: false, error: { code: 'VALIDATION', message: `There is no operation ${quoted(String(name))}.` } };
  let valid: ArgsOf<typeof name>;
  try {
    valid = validateArgs(name, args);
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, error: { code: 'VALIDATION', message: e.message } };
    throw e;
  }
  try {
    ctx.onHandler?.(name);
    const handler = HANDLERS[name] as (a: unknown, c: HostContext) => Promise<unknown>;
    return { ok: true, result: await handler(valid, ctx) };
  } catch (e) {
    if (isSignetError(e)) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'INTERNAL', message: `Something went wrong inside Signet: ${(e as Error)?.message ?? String(e)}` } };
  }
}

export type { Api };

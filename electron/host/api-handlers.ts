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
import { forgetListing, rememberListing } from './last-listings.js';
import { previewImpact } from './impact-preview.js';
import { testRegistry } from './registry-check.js';
import { SetupState } from './setup-state.js';
import { quoted } from '../../shared/printable.js';
import { credentialsHint } from '../../shared/credentials-hint.js';
import type { AuditChangeFields } from '../../shared/audit-changes.js';
import {
  ValidationError, isApiName, validateArgs,
  type Api, type ApiName, type ApiResponse, type ArgsOf, type KeyInfo, type ProgressEvent, type RegistryInfo, type ResultOf, type SignPlanView, type TrustInfo,
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
  // Missing or refused credentials are given on the Registries screen: the errors say so, by name.
  const engine = new Engine({ registry: { credentials: (host) => store.credential(host), loginHint: credentialsHint } });
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

type Change = Omit<AuditChangeFields, 'via'>;

/**
 * Records the changes a handler made in audit.log and answers `result`. The change is made by
 * then: if the log cannot be written, the error says both.
 */
async function audited<T>(ctx: HostContext, result: T, ...changes: Change[]): Promise<T> {
  try {
    const log = new AuditLog(ctx.dataDir);
    for (const c of changes) await log.recordChange({ ...c, via: 'desktop' });
  } catch (e) {
    throw new SignetError('IO', `The change was made, but the audit log could not be written: ${(e as Error).message}`);
  }
  return result;
}

/**
 * The signatures on the reviewed digest that verify now with an own or a teammate's key, so the
 * review can warn before the same key signs it again. Read like any check: a failure is said,
 * never taken for "no signatures".
 */
async function existingSignatures(e: Engine, plan: { image: string; digest: string }, dataDir: string): Promise<Pick<SignPlanView, 'existing' | 'existingError'>> {
  try {
    const [r] = await e.verify([plan.image], { keys: await defaultTrustedKeys(dataDir) });
    if (!r || r.digest !== plan.digest) return { existingError: `${plan.image} changed while its signatures were read; review it again.` };
    if (r.verdict === 'error' && r.signatures.length === 0) return { existingError: r.message };
    const existing = r.signatures.filter((s) => s.ok && !s.keyClaimed && s.keyFingerprint !== undefined)
      .map((s) => ({ keyName: s.keyName ?? '', keyFingerprint: s.keyFingerprint!, ...(s.timestamp !== undefined ? { timestamp: s.timestamp } : {}) }));
    return { existing };
  } catch (err) {
    return { existingError: (err as Error).message };
  }
}

/**
 * Adds or edits a registry entry, after testing what will be saved: nothing the registry refused
 * is saved, and a registry that cannot be reached only with `saveUnreachable`. Audited: added,
 * edited (a new host), credentials changed (never the secret itself).
 */
async function saveRegistry(ctx: HostContext, oldHost: string | undefined, info: RegistryInfo, typedPassword: string | undefined, saveUnreachable: boolean | undefined): Promise<RegistryInfo> {
  const store = registries(ctx);
  const before = (await store.list()).find((r) => r.host === (oldHost ?? info.host));
  if (oldHost !== undefined && !before) throw new SignetError('NOT_FOUND', `${oldHost} is not in the list of registries.`);
  const storedPassword = before?.auth === 'keychain' ? await store.storedPassword(before.host) : null;
  const password = info.auth === 'keychain' ? typedPassword ?? storedPassword ?? undefined : undefined;
  if (info.auth === 'keychain' && password === undefined) {
    throw new SignetError('USAGE', `Type the password for ${info.username ?? ''} at ${info.host}: Signet keeps none for it yet.`);
  }
  const test = await testRegistry(info.host, { auth: info.auth, ...(info.username !== undefined ? { username: info.username } : {}), ...(password !== undefined ? { password } : {}) }, (h) => store.credential(h));
  if (!test.ok && (test.reached || !saveUnreachable)) {
    throw new SignetError(test.reached ? 'AUTH_FAILED' : 'NETWORK', `${test.message} Nothing was saved.`);
  }
  const saved = await store.replace(before?.host ?? info.host, info, password);
  const details = { auth: info.auth, ...(info.username !== undefined ? { username: info.username } : {}) };
  if (!before) return audited(ctx, saved, { kind: 'registry', action: 'added', subject: info.host, details });
  const changes: Change[] = [];
  if (before.host !== info.host) changes.push({ kind: 'registry', action: 'edited', subject: info.host, details: { from: before.host } });
  const credentialsChanged = before.auth !== info.auth || before.username !== info.username || (password !== undefined && password !== storedPassword);
  if (credentialsChanged) changes.push({ kind: 'registry', action: 'credentials-changed', subject: info.host, details });
  return audited(ctx, saved, ...changes);
}

export const HANDLERS: HandlerTable = {
  'sources.list': async (_a, ctx) => new SourceStore(ctx.dataDir).list(),
  'sources.add': async (a, ctx) => new SourceStore(ctx.dataDir).add(a.kind, a.location),
  'sources.remove': async (a, ctx) => { await new SourceStore(ctx.dataDir).remove(a.id); forgetListing(ctx.dataDir, a.id); return { removed: true }; },

  'images.list': async (a, ctx) => {
    const source = await new SourceStore(ctx.dataDir).get(a.sourceId);
    const policy = { keys: await defaultTrustedKeys(ctx.dataDir) };
    const progress = a.opId ? listProgress(ctx.progress, a.opId, source.label) : undefined;
    try {
      const rows = await withEngine(ctx, (e) => e.images(sourceTransport(source), policy, {}, { facts: true, ...progress?.observer }));
      progress?.finish();
      rememberListing(ctx.dataDir, source.id, rows);
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
        return await withEngine(ctx, async (e) => {
          const plan = await e.planSigning(a.image);
          return { ...plan, storedAt: storedAt(a.image, plan.digest), needsPush: false, keys: keyList, ...(await existingSignatures(e, plan, ctx.dataDir)) };
        });
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
    return withEngine(ctx, async (e) => {
      const plan = await e.planSigning(a.image);
      return { ...plan, storedAt: storedAt(a.image, plan.digest), needsPush: false, keys: keyList, ...(await existingSignatures(e, plan, ctx.dataDir)) };
    });
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
  'keys.generate': async (a, ctx) => {
    const k = await keys(ctx).generate(a.name, a.algorithm);
    return audited(ctx, keyInfo(k), { kind: 'key', action: 'generated', subject: k.name, fingerprint: k.fingerprint, details: { algorithm: k.algorithm } });
  },
  'keys.import': async (a, ctx) => {
    const k = await keys(ctx).importCosignKey(a.pem, a.password, a.name);
    return audited(ctx, keyInfo(k), { kind: 'key', action: 'imported', subject: k.name, fingerprint: k.fingerprint, details: { algorithm: k.algorithm } });
  },
  'keys.rename': async (a, ctx) => {
    const before = (await keys(ctx).metadata()).find((k) => k.name === a.name || k.id === a.name);
    const k = await keys(ctx).rename(a.name, a.newName);
    return audited(ctx, keyInfo(k), { kind: 'key', action: 'renamed', subject: k.name, fingerprint: k.fingerprint, details: { from: before?.name ?? a.name } });
  },
  'keys.delete': async (a, ctx) => {
    const k = await keys(ctx).delete(a.name, a.fingerprint);
    return audited(ctx, keyInfo(k), { kind: 'key', action: 'deleted', subject: k.name, fingerprint: k.fingerprint, details: { algorithm: k.algorithm } });
  },
  'keys.exportPublic': async (a, ctx) => {
    const meta = (await keys(ctx).metadata()).find((k) => k.name === a.name || k.id === a.name);
    if (!meta) throw new SignetError('NOT_FOUND', `There is no key named "${a.name}".`);
    return { name: meta.name, pem: meta.publicKeyPem, fingerprint: meta.fingerprint };
  },
  'policy.export': async (a, ctx) => {
    const ks = await policyKeys(ctx.dataDir, a.keys);
    const mode = a.mode ?? 'enforce';
    const r = exportPolicy(a.format, { keys: ks, images: a.images, mode });
    const view = { format: a.format, files: r.files.map((f) => ({ path: f.path, content: f.content, ...(f.mode !== undefined ? { mode: f.mode } : {}) })), notes: r.notes, keys: ks.map((k) => ({ name: k.name, fingerprint: k.fingerprint })) };
    return audited(ctx, view, { kind: 'policy', action: 'exported', subject: a.format, details: { mode, images: a.images, keys: ks.map((k) => `${k.name} (${k.fingerprint})`).join(', ') } });
  },

  'trust.list': async (_a, ctx) => (await new TrustStore(ctx.dataDir).list()).map(trustInfo),
  'trust.preview': async (a) => { const k = parsePublicKeyPem(a.pem); return { algorithm: k.algorithm, fingerprint: k.fingerprint }; },
  'trust.add': async (a, ctx) => {
    const t = await new TrustStore(ctx.dataDir).add(a.pem, a.name);
    return audited(ctx, trustInfo(t), { kind: 'teammate', action: 'added', subject: t.name, fingerprint: t.fingerprint, details: { algorithm: t.algorithm } });
  },
  'trust.revoke': async (a, ctx) => {
    const { entry, already } = await new TrustStore(ctx.dataDir).revoke(a.name);
    return already ? trustInfo(entry) : audited(ctx, trustInfo(entry), { kind: 'teammate', action: 'revoked', subject: entry.name, fingerprint: entry.fingerprint, details: {} });
  },
  'trust.restore': async (a, ctx) => {
    const { entry, already } = await new TrustStore(ctx.dataDir).restore(a.name);
    return already ? trustInfo(entry) : audited(ctx, trustInfo(entry), { kind: 'teammate', action: 'restored', subject: entry.name, fingerprint: entry.fingerprint, details: {} });
  },
  'trust.remove': async (a, ctx) => {
    const t = await new TrustStore(ctx.dataDir).remove(a.name);
    return audited(ctx, trustInfo(t), { kind: 'teammate', action: 'removed', subject: t.name, fingerprint: t.fingerprint, details: t.revokedAt ? { revoked: t.revokedAt } : {} });
  },

  'registries.list': async (_a, ctx) => registries(ctx).list(),
  'registries.add': async (a, ctx) => saveRegistry(ctx, undefined, { host: a.host, auth: a.auth, ...(a.auth === 'keychain' ? { username: a.username! } : {}) }, a.password, a.saveUnreachable),
  'registries.edit': async (a, ctx) => saveRegistry(ctx, a.host, { host: a.newHost ?? a.host, auth: a.auth, ...(a.auth === 'keychain' ? { username: a.username! } : {}) }, a.password, a.saveUnreachable),
  'registries.remove': async (a, ctx) => {
    const before = (await registries(ctx).list()).find((r) => r.host === a.host);
    await registries(ctx).remove(a.host);
    return audited(ctx, { removed: true as const }, { kind: 'registry', action: 'removed', subject: a.host, details: { auth: before?.auth ?? 'none' } });
  },
  'registries.test': async (a, ctx) => {
    const store = registries(ctx);
    const candidate = a.auth === undefined ? undefined : { auth: a.auth, ...(a.username !== undefined ? { username: a.username } : {}), ...(a.password !== undefined ? { password: a.password } : {}) };
    return testRegistry(a.host, candidate, (h) => store.credential(h));
  },

  'audit.list': async (_a, ctx) => new AuditLog(ctx.dataDir).read(),
  'impact.preview': async (a, ctx) => previewImpact(ctx.dataDir, a.change, a.name, ctx.registryBackend),
  'setup.status': async (_a, ctx) => {
    const [regs, ks, team, srcs, dismissed] = await Promise.all([
      registries(ctx).list(), keys(ctx).metadata(), new TrustStore(ctx.dataDir).list(), new SourceStore(ctx.dataDir).list(), new SetupState(ctx.dataDir).dismissed(),
    ]);
    return { registries: regs.length, keys: ks.length, teammates: team.length, sources: srcs.length, dismissed };
  },
  'setup.dismiss': async (_a, ctx) => { await new SetupState(ctx.dataDir).dismiss(); return { dismissed: true }; },
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

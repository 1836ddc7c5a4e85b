import { stat } from 'node:fs/promises';
import { SignetError, isSignetError } from './errors.js';

import { parseManifest } from './content/manifest.js';
import { isDigest, type Digest } from './content/digest.js';
import { formatReference, parseReference, repositoryName, withTag, type Reference } from './content/reference.js';
import type { RegistryClient } from './registry/client.js';
import type { Signer } from './keys/signer.js';
import type { VerifyPolicy } from './cosign/verdict.js';
import { signatureTag } from './cosign/signature-manifest.js';
import { couldNotCheck, verifyDigest, verifyRegistryImages, type VerifyProgress, type VerifyResult } from './verify.js';
import { signingIdentity, signTargets, type SignOptions, type SignPlan, type SignResult } from './sign.js';
import { choosePlatforms, indexPlatforms, type PlatformChoice } from './platform-choice.js';
import { inspectResult, type InspectResult } from './inspect.js';
import { namesWholeRepository, parseSource, type SourceSpec } from './sources/transport.js';
import { OciLayoutSource } from './sources/oci-layout.js';
import { DockerArchiveSource } from './sources/docker-archive.js';
import { EngineClient, EngineSource, findEngineSocket, registryDigestCandidates, type EngineImage } from './sources/docker-engine.js';
import { RegistrySource, imageTags } from './sources/registry-source.js';
import { namespaceImages, notOneImage } from './sources/registry-namespace.js';
import { skippedTags, type SkippedNames } from './registry/skipped-names.js';
import type { ImageSource } from './sources/image-source.js';
import { ioError } from './sources/files.js';
import { addFacts, engineFactsReader, factsReader, readConfigBlob, sourceFactsReader, summarizeManifest, MAX_CONFIG_BYTES, type ImageListing, type ManifestSummary } from './image-facts.js';

/**
 * Sign, verify, inspect and list for images that are not (only) in a registry: OCI layouts,
 * docker archives and the local engine. Registry images keep their own path (verify.ts, sign.ts);
 * this module decides, per transport, what "the image's digest" and "its repository" mean.
 *
 * Identity of a layout image: a layout does not say which registry repository an image is for.
 * Signing `oci:DIR:NAME` writes the identity given with `--identity host/repo[:tag]`, else NAME
 * when it is itself a full reference (`oci:DIR:127.0.0.1:5000/team/app:v1`, as skopeo and podman
 * name layout images); otherwise it asks for --identity. Verify compares the same repository
 * (matchRepository), so a layout signature verifies again once the image is pushed to it.
 */
export interface LocalOptions {
  /** `--identity host/repo[:tag]`: the registry name an OCI layout image is (or will be) known by. */
  identity?: string;
}

export const PUSH_FIRST = (input: string, why: string): SignetError => new SignetError('MANIFEST_UNKNOWN',
  `${input} has no registry digest: ${why}. A signature names a registry digest, so push it and sign in one step: signet push ${input} HOST/REPO:TAG --sign KEY.`);

/** The reference an identity string stands for, and the identity to write (tag kept only when written). */
export function layoutIdentity(name: string | undefined, explicit: string | undefined, input: string): { ref: Reference; identity: string } {
  const from = explicit ?? (name !== undefined && name.includes('/') ? name : undefined);
  if (from === undefined) {
    throw new SignetError('USAGE', `${input} names its image ${name === undefined ? 'by position only' : `"${name}"`}, which does not say which registry repository it is for. Pass --identity HOST/REPO[:TAG] (the name it will have once pushed), or name it in the layout as HOST/REPO:TAG.`);
  }
  const ref = parseReference(from);
  const identity = explicit !== undefined && namesWholeRepository(explicit) ? repositoryName(ref) : signingIdentity(ref);
  return { ref, identity };
}

async function engineClient(): Promise<EngineClient> {
  const client = new EngineClient(await findEngineSocket());
  await client.ping();
  return client;
}

/**
 * The engine's ID of a named image: the digest of its config, which is what a push of it will
 * carry as its config, so it identifies the image before its manifest digest is known.
 */
export async function engineImageId(spec: Extract<SourceSpec, { kind: 'engine' }>): Promise<Digest> {
  const { name, img } = await inspectNamed(spec);
  const id = img.Id;
  const digest = /^[a-f0-9]{64}$/.test(id) ? `sha256:${id}` : id; // Podman's libpod API leaves the prefix off
  if (!isDigest(digest)) throw new SignetError('REGISTRY_ERROR', `The engine gave ${JSON.stringify(id.slice(0, 80))} as the ID of ${name}, which is not a sha256 digest.`);
  return digest;
}

/** The engine's record of the image a `docker-daemon:NAME` names (a USAGE error without a name). */
async function inspectNamed(spec: Extract<SourceSpec, { kind: 'engine' }>): Promise<{ name: string; img: EngineImage }> {
  if (spec.name === undefined) throw new SignetError('USAGE', 'Name the engine image: docker-daemon:NAME[:TAG].');
  return { name: spec.name, img: await (await engineClient()).inspect(spec.name) };
}

/** The registry reference (pinned by digest) of an engine image, or a plain error saying to push it first. */
async function engineRegistryRef(registry: RegistryClient, spec: Extract<SourceSpec, { kind: 'engine' }>): Promise<Reference> {
  const { name, img } = await inspectNamed(spec);
  const ref = await existingDigest(registry, await withoutLocalOnly(registry, registryDigestCandidates(img, name)));
  if (ref === undefined) throw PUSH_FIRST(spec.input, `the engine image was built or loaded locally and never pulled from or pushed to a registry${img.RepoDigests.length > 0 ? ` under this name (it is known as ${img.RepoDigests.join(', ')})` : ''}`);
  return ref;
}

export async function planLocalSigning(spec: SourceSpec, opts: LocalOptions, choice: PlatformChoice = {}): Promise<{ plan: SignPlan; layout: OciLayoutSource; repository: string }> {
  if (spec.kind !== 'oci-layout') throw new Error('planLocalSigning is for layouts');
  const layout = new OciLayoutSource(spec.dir);
  const { ref, identity } = layoutIdentity(spec.name, opts.identity, spec.input);
  const top = await layout.resolve(spec.name);
  const manifest = parseManifest(top.bytes, top.mediaType);
  const chosen = choosePlatforms(spec.input, manifest, choice);
  // Sign only a complete image: every blob it names, on every platform, must be in the layout
  // with its size (also the platforms not chosen: the index that is signed names them).
  const manifests = [manifest];
  if (manifest.kind === 'index') {
    for (const d of manifest.manifests) {
      const child = await layout.manifest(d.digest);
      manifests.push(parseManifest(child.bytes, child.mediaType));
    }
  }
  for (const m of manifests) if (m.kind === 'manifest') for (const b of [m.config, ...m.layers]) await layout.checkBlob(b.digest, b.size);
  const targets = [{ digest: top.digest, mediaType: top.mediaType }, ...chosen];
  return { plan: { image: spec.input, identity, digest: top.digest, mediaType: top.mediaType, targets, platforms: indexPlatforms(manifest) }, layout, repository: repositoryName(ref) };
}

/**
 * Of an engine image's candidate registry digests, the one the registry holds: the one its tag
 * points to when that is among them, else the first the registry has. With one candidate, that
 * one (asking would only turn "not found" into "push first"). Undefined when none is there.
 */
async function existingDigest(registry: RegistryClient, candidates: Reference[]): Promise<Reference | undefined> {
  if (candidates.length <= 1) return candidates[0];
  const first = candidates[0]!;
  try {
    const tagged = first.tag !== undefined ? await registry.headManifest({ registry: first.registry, repository: first.repository, tag: first.tag }) : null;
    const atTag = candidates.find((c) => c.digest === tagged?.digest);
    if (atTag !== undefined) return atTag;
  } catch { /* fall back to asking per digest */ }
  for (const c of candidates) {
    try {
      if (await registry.headManifest(c) !== null) return c;
    } catch { /* unreachable: try the next; the caller reports the first */ }
  }
  return undefined;
}

/**
 * Podman names images it built or loaded `localhost/NAME` and lists a digest for each such name
 * that no registry holds. Such a candidate counts only if a registry at `localhost` confirms it
 * (asked before existingDigest chooses among what is left);
 * otherwise signing it would try to reach a registry that is not there, instead of saying to
 * push the image first.
 */
async function withoutLocalOnly(registry: RegistryClient, candidates: Reference[]): Promise<Reference[]> {
  const kept: Reference[] = [];
  for (const c of candidates) {
    if (c.registry !== 'localhost') { kept.push(c); continue; }
    if (nothingAtLocalhost.has(registry)) continue;
    try {
      if (await registry.headManifest(c) !== null) kept.push(c);
    } catch (e) {
      // Unreachable (after the client's retries): not asked again in this operation, since an
      // engine with many local images would otherwise wait out the retries for each.
      if (isSignetError(e) && e.code === 'NETWORK') nothingAtLocalhost.add(registry);
    }
  }
  return kept;
}
const nothingAtLocalhost = new WeakSet<RegistryClient>();

/** Where a transport's image is in a registry, when it is: engine images with a RepoDigest. */
export async function registryRefFor(registry: RegistryClient, spec: SourceSpec): Promise<Reference> {
  switch (spec.kind) {
    case 'registry': return spec.ref;
    case 'namespace': throw notOneImage(spec);
    case 'engine': return engineRegistryRef(registry, spec);
    case 'docker-archive':
      await stat(spec.file).catch((e) => { throw ioError(spec.file, e); });
      throw PUSH_FIRST(spec.input, 'an archive\'s image gets one only when it is pushed');
    case 'oci-layout': throw new Error('a layout is signed in place');
  }
}

export async function signLayout(spec: SourceSpec, signer: Signer, opts: SignOptions & LocalOptions): Promise<SignResult> {
  const { plan, layout, repository } = await planLocalSigning(spec, opts, opts);
  return signTargets(layout.signatures(), plan, signer, opts, (digest) => ({ image: `${spec.input}@${digest}`, repository, where: `${layout.description}:${signatureTag(digest)}` }));
}

/** Verifies one local image; never throws for a SignetError (that is the "could not check" verdict). */
export async function verifyLocal(client: RegistryClient, spec: SourceSpec, policy: VerifyPolicy, opts: LocalOptions): Promise<VerifyResult> {
  try {
    if (spec.kind === 'oci-layout') {
      const layout = new OciLayoutSource(spec.dir);
      const top = await layout.resolve(spec.name);
      const { ref } = layoutIdentity(spec.name, opts.identity, spec.input);
      return await verifyDigest(spec.input, repositoryName(ref), top.digest, layout.signatures(), policy, `${layout.description}:${signatureTag(top.digest)}`);
    }
    const ref = await registryRefFor(client, spec);
    const [r] = await verifyRegistryImages(client, [ref], policy);
    return { ...r!, image: spec.input };
  } catch (e) {
    return couldNotCheck(spec.input, e);
  }
}

export async function inspectLayout(spec: Extract<SourceSpec, { kind: 'oci-layout' }>): Promise<InspectResult> {
  const layout = new OciLayoutSource(spec.dir);
  const got = await layout.resolve(spec.name);
  return inspectResult(spec.input, got, await verifyDigest(spec.input, '', got.digest, layout.signatures(), { keys: [] }, `${layout.description}:${signatureTag(got.digest)}`));
}

/** Opens any transport as an ImageSource (for push). Close it when done. */
export async function openSource(client: RegistryClient, spec: SourceSpec): Promise<{ source: ImageSource; name: string | undefined }> {
  switch (spec.kind) {
    case 'registry': return { source: new RegistrySource(client, spec.ref), name: undefined };
    case 'namespace': throw notOneImage(spec);
    case 'oci-layout': return { source: new OciLayoutSource(spec.dir), name: spec.name };
    case 'docker-archive': return { source: new DockerArchiveSource(spec.file), name: spec.name };
    case 'engine': {
      if (spec.name === undefined) throw new SignetError('USAGE', 'Name the engine image to push: docker-daemon:NAME[:TAG].');
      return { source: new EngineSource(await engineClient(), spec.name), name: undefined };
    }
  }
}

/**
 * What a caller of listImages can follow as it goes: the names first, then each verdict, then (with
 * `facts`) each row again with its platforms and creation time. Every image reaches onResult once,
 * and onFacts at most once; the returned list is authoritative and equals what was delivered.
 */
export interface ListObserver {
  /** Every image of the source, by name, as soon as they are known and before any is checked. */
  onListed?: (images: string[]) => void;
  onResult?: (row: VerifyResult, index: number) => void;
  onProgress?: (p: VerifyProgress) => void;
  /** What a namespace source is listing (its repositories, then their tags) before the checks. */
  onStatus?: (message: string) => void;
  /**
   * Names a registry listed that are not tags or repository names: skipped, never shown, counted
   * here (once per repository or namespace, before onListed). A listing with any is not all checked.
   */
  onSkipped?: (skipped: SkippedNames) => void;
  /** Read platforms and created after the verdicts (extra requests; the CLI does not ask for them). */
  facts?: boolean;
  onFacts?: (row: ImageListing, index: number) => void;
}

/**
 * `signet images SOURCE`: every image of a source with its verdict, in the verify --json shape.
 * Registry repository: every tag. Namespace: every tag of every repository under it. Layout:
 * every index.json name. Archive: every RepoTag (no registry digest yet, so "unsigned" and why).
 * Engine: every tag, checked at its RepoDigest. `onStatus` hears about the listing before the
 * checks start (onProgress counts those).
 */
export async function listImages(client: RegistryClient, input: string, policy: VerifyPolicy, opts: LocalOptions & ListObserver & { concurrency?: number } = {}): Promise<ImageListing[]> {
  const spec = parseSource(input);
  switch (spec.kind) {
    case 'registry': {
      if (!namesWholeRepository(input)) return listRegistryImages(client, [spec.ref], [], new Map(), policy, opts);
      const { tags, invalid } = await client.listTags({ registry: spec.ref.registry, repository: spec.ref.repository });
      if (invalid > 0) opts.onSkipped?.(skippedTags(repositoryName(spec.ref), invalid));
      const refs = imageTags(tags).map((t) => withTag(spec.ref, t));
      return listRegistryImages(client, refs, [], new Map([[repositoryName(spec.ref), tags]]), policy, opts);
    }
    case 'namespace': {
      const { refs, unlisted, tags, skipped } = await namespaceImages(client, spec, { ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...(opts.onStatus ? { onStatus: opts.onStatus } : {}) });
      for (const s of skipped) opts.onSkipped?.(s);
      return listRegistryImages(client, refs, unlisted, tags, policy, opts);
    }
    case 'oci-layout': {
      const layout = new OciLayoutSource(spec.dir);
      const images = spec.name !== undefined ? [{ name: spec.name }] : await layout.list();
      opts.onListed?.(images.map((img) => `oci:${spec.dir}:${img.name}`));
      const rows: VerifyResult[] = [];
      for (const [i, img] of images.entries()) {
        rows.push(await verifyLocal(client, { kind: 'oci-layout', input: `oci:${spec.dir}:${img.name}`, dir: spec.dir, name: img.name }, policy, opts));
        opts.onResult?.(rows[i]!, i);
        opts.onProgress?.({ done: i + 1, total: images.length });
      }
      if (!opts.facts) return rows;
      const factsOf = sourceFactsReader(layout, (d) => layout.readBlob(d.digest, d.size, MAX_CONFIG_BYTES, 'the image config'));
      return addFacts(rows, (i) => factsOf(images[i]!.name), observed(opts));
    }
    case 'docker-archive': {
      const archive = new DockerArchiveSource(spec.file);
      const images = await archive.list();
      const rows = images.map((img) => ({
        image: `docker-archive:${spec.file}:${img.name}`,
        verdict: 'unsigned' as const,
        message: `unsigned: an archive's image has no registry digest until it is pushed (signet push docker-archive:${spec.file}:${img.name} HOST/REPO:TAG --sign KEY)`,
        signers: [],
        signatures: [],
      }));
      opts.onListed?.(rows.map((r) => r.image));
      rows.forEach((r, i) => { opts.onResult?.(r, i); opts.onProgress?.({ done: i + 1, total: rows.length }); });
      if (!opts.facts) return rows;
      const factsOf = sourceFactsReader(archive, (d) => readConfigBlob(archive, d));
      return addFacts(rows, (i) => factsOf(images[i]!.name), observed(opts));
    }
    case 'engine': {
      const engine = new EngineSource(await engineClient());
      const images = (await engine.list()).filter((i) => spec.name === undefined || i.name === spec.name || sameImageName(i.name, spec.name));
      opts.onListed?.(images.map((img) => `docker-daemon:${img.name}`));
      const out: VerifyResult[] = [];
      for (const [i, img] of images.entries()) {
        const input = `docker-daemon:${img.name}`;
        const candidates = registryDigestCandidates({ Id: img.id ?? '', RepoTags: img.name.startsWith('sha256:') ? [] : [img.name], RepoDigests: img.repoDigests ?? [] }, img.name.startsWith('sha256:') ? undefined : img.name);
        const kept = await withoutLocalOnly(client, candidates);
        const ref = await existingDigest(client, kept) ?? kept[0];
        if (ref === undefined) {
          out.push({ image: input, verdict: 'unsigned', message: `unsigned: a local image with no registry digest (push it first: signet push ${input} HOST/REPO:TAG --sign KEY)`, signers: [], signatures: [] });
        } else {
          const [r] = await verifyRegistryImages(client, [ref], policy);
          out.push({ ...r!, image: input });
        }
        opts.onResult?.(out[i]!, i);
        opts.onProgress?.({ done: i + 1, total: images.length });
      }
      if (!opts.facts) return out;
      const factsOf = engineFactsReader(engine.client);
      return addFacts(out, (i) => factsOf(images[i]!.id ?? images[i]!.name), observed(opts));
    }
  }
}

/**
 * Registry images by reference (a repository's tags, or every tag under a namespace): the names,
 * then the verdicts (all references at once, so each repository's tags are listed once), then the
 * facts, reading each config from its own repository. `unlisted` are rows already decided (a
 * namespace's repositories whose tags could not be listed); they come last. `listedTags` are the
 * tag lists the names came from, so the `.sig` tags are known without listing again.
 */
async function listRegistryImages(
  client: RegistryClient, refs: Reference[], unlisted: VerifyResult[], listedTags: ReadonlyMap<string, readonly string[]>, policy: VerifyPolicy, opts: ListObserver & { concurrency?: number },
): Promise<ImageListing[]> {
  opts.onListed?.([...refs.map(formatReference), ...unlisted.map((r) => r.image)]);
  opts.onProgress?.({ done: 0, total: refs.length });
  const manifests: Array<ManifestSummary | undefined> = [];
  const rows = await verifyRegistryImages(client, refs, policy, {
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    listedTags,
    onResult: (r, i, m) => {
      if (opts.facts && m) manifests[i] = summarizeManifest(m);
      opts.onResult?.(r, i);
    },
  });
  unlisted.forEach((r, j) => opts.onResult?.(r, refs.length + j));
  const all = [...rows, ...unlisted];
  if (!opts.facts) return all;
  // A config blob is read from the repository its image is in (a token is scoped to one).
  const readers = new Map<string, ReturnType<typeof factsReader>>();
  const readerFor = (ref: Reference): ReturnType<typeof factsReader> => {
    const key = repositoryName(ref);
    let reader = readers.get(key);
    if (reader === undefined) {
      const repo = { registry: ref.registry, repository: ref.repository };
      reader = factsReader((d) => client.getBlob(repo, d.digest, { expectedSize: d.size, maxSize: MAX_CONFIG_BYTES }));
      readers.set(key, reader);
    }
    return reader;
  };
  return addFacts(all, async (i) => i < refs.length
    ? readerFor(refs[i]!)(manifests[i])
    : { factsError: 'The repository\'s tags could not be listed, so neither could its platforms or creation times.' }, observed(opts));
}

function observed(opts: ListObserver): { onFacts?: ListObserver['onFacts'] } {
  return opts.onFacts ? { onFacts: opts.onFacts } : {};
}

function sameImageName(a: string, b: string): boolean {
  try {
    return formatReference(parseReference(a)) === formatReference(parseReference(b));
  } catch {
    return false;
  }
}


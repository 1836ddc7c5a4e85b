import type { Reference } from './content/reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry/client.js';
import type { Signer } from './keys/signer.js';
import type { VerifyPolicy } from './cosign/verdict.js';
import { verifyRegistryImages, couldNotCheck, type VerifyProgress, type VerifyResult } from './verify.js';
import { planRegistrySigning, signPlan, type SignOptions, type SignPlan, type SignResult } from './sign.js';
import { inspectRegistryImage, type InspectResult } from './inspect.js';
import { SignetError } from './errors.js';
import { parseSource, type SourceSpec } from './sources/transport.js';
import { engineImageId, inspectLayout, listImages, openSource, planLocalSigning, registryRefFor, signLayout, verifyLocal, type ListObserver, type LocalOptions } from './local.js';
import type { ImageListing } from './image-facts.js';
import { planPush, pushImage, type PushOptions, type PushResult } from './push.js';
import type { Digest } from './content/digest.js';
import type { PlatformChoice } from './platform-choice.js';

export interface EngineOptions {
  registry?: RegistryClientOptions;
  /** How many images are verified at once. */
  concurrency?: number;
}

/**
 * The one engine every host (CLI, web host, Electron main) drives. Plain Node: no Electron, no UI.
 * Hosts parse user input into these calls and render the typed results.
 */
export class Engine {
  readonly registry: RegistryClient;

  constructor(private readonly options: EngineOptions = {}) {
    this.registry = new RegistryClient(options.registry);
  }

  /**
   * Images may be registry references (the default) or local transports (`oci:DIR:NAME`,
   * `docker-archive:FILE`, `docker-daemon:NAME`, see sources/transport.ts).
   */
  async verify(images: readonly string[], policy: VerifyPolicy, onProgress?: (p: VerifyProgress) => void, local: LocalOptions = {}): Promise<VerifyResult[]> {
    // A malformed reference is that image's error; the others are still checked.
    const parsed: Array<Reference | SourceSpec | SignetError> = images.map((i) => {
      try {
        const spec = parseSource(i);
        return spec.kind === 'registry' ? spec.ref : spec;
      } catch (e) {
        if (e instanceof SignetError) return e;
        throw e;
      }
    });
    const isSpec = (p: Reference | SourceSpec | SignetError): p is SourceSpec => !(p instanceof SignetError) && 'kind' in p;
    const refs = parsed.filter((p): p is Reference => !(p instanceof SignetError) && !isSpec(p));
    const total = images.length;
    let localDone = 0;
    const results = await verifyRegistryImages(this.registry, refs, policy, {
      ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
      ...(onProgress ? { onProgress: (p: VerifyProgress) => onProgress({ done: p.done + localDone, total }) } : {}),
    });
    const localResults = new Map<number, VerifyResult>();
    for (const [i, p] of parsed.entries()) {
      if (!isSpec(p)) continue;
      localResults.set(i, await verifyLocal(this.registry, p, policy, local));
      localDone += 1;
      onProgress?.({ done: results.length + localDone, total });
    }
    let next = 0;
    return parsed.map((p, i) => (p instanceof SignetError ? couldNotCheck(images[i]!, p) : isSpec(p) ? localResults.get(i)! : results[next++]!));
  }

  /** What `sign` would sign; `plan.platforms` lists every platform of an index, for a person to choose from. */
  async planSigning(image: string, choice: PlatformChoice = {}, local: LocalOptions = {}): Promise<SignPlan> {
    const spec = parseSource(image);
    if (spec.kind === 'oci-layout') return (await planLocalSigning(spec, local, choice)).plan;
    return planRegistrySigning(this.registry, await registryRefFor(this.registry, spec), choice);
  }

  async sign(image: string, signer: Signer, opts: SignOptions & LocalOptions = {}): Promise<SignResult> {
    const spec = parseSource(image);
    if (spec.kind === 'oci-layout') return signLayout(spec, signer, opts);
    const ref = await registryRefFor(this.registry, spec);
    const plan = await planRegistrySigning(this.registry, ref, opts);
    return signPlan(this.registry, ref, plan, signer, opts);
  }

  async inspect(image: string): Promise<InspectResult> {
    const spec = parseSource(image);
    if (spec.kind === 'oci-layout') return inspectLayout(spec);
    return inspectRegistryImage(this.registry, await registryRefFor(this.registry, spec));
  }

  /** Copies SOURCE (any transport) to the registry reference DEST; with opts.signer, signs what was pushed. */
  async push(source: string, dest: string, opts: PushOptions = {}): Promise<PushResult> {
    const destSpec = parseSource(dest);
    if (destSpec.kind !== 'registry') throw new SignetError('USAGE', `The destination ${dest} is not a registry reference; Signet pushes to registries (HOST/REPO:TAG).`);
    const { source: src, name } = await openSource(this.registry, parseSource(source));
    try {
      return { ...(await pushImage(this.registry, src, name, destSpec.ref, opts)), source };
    } finally {
      await src.close();
    }
  }

  /**
   * What identifies the image a push of `source` will send, for the review before a push-and-sign:
   * the manifest digest it will create (archives and layouts: computed from what they hold), or,
   * for an engine image, whose manifest would take an export to compute, the engine's image ID.
   */
  async planPush(source: string): Promise<{ digest: Digest; mediaType: string } | { imageId: Digest }> {
    const spec = parseSource(source);
    if (spec.kind === 'engine') return { imageId: await engineImageId(spec) };
    const { source: src, name } = await openSource(this.registry, spec);
    try {
      return await planPush(src, name);
    } finally {
      await src.close();
    }
  }

  /**
   * Every image of a source with its verdict (`signet images`). `observe` follows the work as it
   * goes (names, then each verdict, then with `facts` each row's platforms and creation time).
   */
  images(source: string, policy: VerifyPolicy, local: LocalOptions = {}, observe: ListObserver = {}): Promise<ImageListing[]> {
    return listImages(this.registry, source, policy, { ...local, ...observe, ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}) });
  }

  close(): Promise<void> {
    return this.registry.close();
  }
}

import { parseReference, type Reference } from './content/reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry/client.js';
import type { Signer } from './keys/signer.js';
import type { VerifyPolicy } from './cosign/verdict.js';
import { verifyRegistryImages, couldNotCheck, type VerifyProgress, type VerifyResult } from './verify.js';
import { planRegistrySigning, signPlan, type SignOptions, type SignPlan, type SignResult } from './sign.js';
import { inspectRegistryImage, type InspectResult } from './inspect.js';
import { SignetError } from './errors.js';

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

  async verify(images: readonly string[], policy: VerifyPolicy, onProgress?: (p: VerifyProgress) => void): Promise<VerifyResult[]> {
    // A malformed reference is that image's error; the others are still checked.
    const parsed: Array<Reference | SignetError> = images.map((i) => {
      try {
        return parseReference(i);
      } catch (e) {
        if (e instanceof SignetError) return e;
        throw e;
      }
    });
    const refs = parsed.filter((p): p is Reference => !(p instanceof SignetError));
    const results = await verifyRegistryImages(this.registry, refs, policy, {
      ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    let next = 0;
    return parsed.map((p, i) => (p instanceof SignetError ? couldNotCheck(images[i]!, p) : results[next++]!));
  }

  planSigning(image: string, recursive = true): Promise<SignPlan> {
    return planRegistrySigning(this.registry, parseReference(image), recursive);
  }

  async sign(image: string, signer: Signer, opts: SignOptions = {}): Promise<SignResult> {
    const ref = parseReference(image);
    const plan = await planRegistrySigning(this.registry, ref, opts.recursive ?? true);
    return signPlan(this.registry, ref, plan, signer, opts);
  }

  inspect(image: string): Promise<InspectResult> {
    return inspectRegistryImage(this.registry, parseReference(image));
  }

  close(): Promise<void> {
    return this.registry.close();
  }
}

// Independent fixtures: images signed by the Sigstore project's own JS libraries, in the cosign
// v3 layout, with a KEY (no Fulcio, no Rekor). @sigstore/sign's DSSEBundleBuilder is given a
// Signer over a local node:crypto key and no witnesses (so no transparency log and no timestamp
// authority): it computes the PAE, has the signer sign it, and packages the bundle
// (@sigstore/bundle toDSSEBundle). @sigstore/oci then pushes the bundle blob, the empty config,
// the referrer manifest and, since docker-registry 2.8 has no referrers API, the fallback index
// at the `sha256-<hex>` tag. Nothing here is Signet's code: what Signet reads from it is what
// another implementation wrote.
//
// @sigstore/oci's sign-in POSTs a blob upload to get an auth challenge and fails on a registry
// that answers without one, so these fixtures need the htpasswd (or token) registry.
import { createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { DSSEBundleBuilder } from '@sigstore/sign';
import { bundleToJSON } from '@sigstore/bundle';
import { attachArtifactToImage } from '@sigstore/oci';
import type { TestRegistry } from './registry.js';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_PREDICATE = 'https://slsa.dev/provenance/v1';

export interface SigstoreSigned {
  /** The bundle JSON as @sigstore/bundle serialised it. */
  bundle: Buffer;
  /** Exactly the bytes the Signer was asked to sign (@sigstore/sign's PAE). */
  signedBytes: Buffer;
  signature: Buffer;
  /** The referrer manifest descriptor @sigstore/oci returned. */
  manifestDigest: string;
}

/** The hash node:crypto signs with for each key type, as cosign's keys sign (Ed25519 pure: null). */
export function hashFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'rsa') return 'sha256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
}

/** A bundle made by @sigstore/sign over `statement`, signed by `privateKey`, with `hint` as the key hint. */
export async function sigstoreBundle(privateKey: KeyObject, statement: Buffer, hint: string): Promise<Omit<SigstoreSigned, 'manifestDigest'>> {
  let signedBytes: Buffer | undefined;
  let signature: Buffer | undefined;
  const publicKey = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }) as string;
  const builder = new DSSEBundleBuilder({
    signer: {
      sign: async (data: Buffer) => {
        signedBytes = Buffer.from(data);
        signature = nodeSign(hashFor(privateKey), data, { key: privateKey, dsaEncoding: 'der' });
        return { signature, key: { $case: 'publicKey', publicKey, hint } };
      },
    },
    witnesses: [],
  });
  const bundle = await builder.create({ data: statement, type: 'application/vnd.in-toto+json' });
  if (signedBytes === undefined || signature === undefined) throw new Error('@sigstore/sign did not call the signer');
  return { bundle: Buffer.from(JSON.stringify(bundleToJSON(bundle))), signedBytes, signature };
}

/** Signs and attaches a statement to `repository@imageDigest` with the Sigstore libraries, the way cosign v3 stores it. */
export async function attachWithSigstore(reg: TestRegistry, repository: string, imageDigest: string, privateKey: KeyObject, statement: Buffer, hint: string, predicateType: string): Promise<SigstoreSigned> {
  const made = await sigstoreBundle(privateKey, statement, hint);
  const descriptor = await attachArtifactToImage({
    imageName: `${reg.host}/${repository}`,
    imageDigest,
    artifact: made.bundle,
    mediaType: BUNDLE_MEDIA_TYPE,
    // What cosign's WriteAttestationNewBundleFormat adds; @sigstore/oci adds org.opencontainers.image.created itself.
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': predicateType },
    credentials: { username: reg.username, password: reg.password },
  });
  return { ...made, manifestDigest: descriptor.digest };
}

/** An in-toto statement as cosign v3 writes it for `cosign sign` (no subject name), or any predicate. */
export function cosignStatement(digests: string[], predicateType = SIGN_PREDICATE, predicate: object = {}, annotations: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: digests.map((d) => ({ digest: { sha256: d.replace(/^sha256:/, '') }, annotations })),
    predicateType,
    predicate,
  }));
}

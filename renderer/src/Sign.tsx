import { useEffect, useRef, useState } from 'react';
import type { SignPlanView, SignResultView } from '../../shared/api.js';
import { call, newOpId, onProgress } from './api.js';
import { Badge, Busy, Empty, ErrorBox, shortDigest, useAction } from './common.js';

type Step = 'choose' | 'review' | 'signing' | 'done';

/** The confirm button says what will be signed, so a person sees the choice they are making. */
function signButtonText(plan: SignPlanView, chosen: number): string {
  if (plan.needsPush) return 'Push and sign';
  const total = plan.platforms.length;
  if (total === 0) return 'Sign';
  if (chosen === 0) return 'Sign the index only';
  if (chosen === total) return total === 1 ? 'Sign the index and its platform' : `Sign the index and all ${total} platforms`;
  return `Sign the index and ${chosen} of ${total} platforms`;
}

export function SignScreen({ initialImage, onDone }: { initialImage: string; onDone: () => void }) {
  const [step, setStep] = useState<Step>('choose');
  const [image, setImage] = useState(initialImage);
  const [plan, setPlan] = useState<SignPlanView | null>(null);
  const [key, setKey] = useState('');
  // Digests of the platform manifests to sign along with the index; all of them until unchecked.
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [pushTo, setPushTo] = useState('');
  const [annotations, setAnnotations] = useState<Array<{ k: string; v: string }>>([]);
  const [result, setResult] = useState<SignResultView | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  // The key that was confirmed to sign again a digest it has signed already (see the review).
  const [signAgain, setSignAgain] = useState<string | null>(null);
  const act = useAction();

  useEffect(() => { setImage(initialImage); setStep('choose'); }, [initialImage]);
  // Each step replaces the form under the keyboard focus: the heading takes it, and Tab goes on
  // into the new step (the review's fields, the result's buttons).
  const heading = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);
  useEffect(() => { if (firstStep.current) firstStep.current = false; else heading.current?.focus(); }, [step]);

  const review = () => void act.run('Reading the image…', async () => {
    const p = await call('sign.plan', { image: image.trim() });
    setPlan(p);
    setSignAgain(null);
    setChosen(new Set(p.platforms.map((t) => t.digest)));
    setKey((k) => k || p.keys[0]?.name || '');
    setStep('review');
  });

  const sign = () => void act.run('Signing…', async () => {
    const opId = newOpId();
    const off = onProgress((e) => { if (e.opId === opId) setProgress(e.message); });
    setStep('signing');
    try {
      const annots = Object.fromEntries(annotations.filter((a) => a.k.trim() !== '').map((a) => [a.k.trim(), a.v]));
      // The checked platforms are sent even when all are checked: if the tag moved since the review
      // to an index without them, signing is refused rather than done unseen. None checked: the index alone.
      const platforms = plan!.platforms.filter((t) => chosen.has(t.digest)).map((t) => t.digest);
      const choice = platforms.length > 0 ? { recursive: true, platforms } : { recursive: plan!.platforms.length === 0 };
      // What was reviewed is the digest, not the tag: if the tag moved (or the archive was
      // replaced) since, nothing is pushed or signed.
      const reviewed = plan!.digest !== '' ? { expectedDigest: plan!.digest } : plan!.imageId ? { expectedImageId: plan!.imageId } : {};
      const target = plan!.needsPush ? { pushTo: pushTo.trim(), ...reviewed } : reviewed;
      const r = await call('sign.run', { image: plan!.image, key, annotations: annots, ...choice, opId, ...target });
      setResult(r);
      setStep('done');
    } catch (e) {
      setStep('review');
      throw e;
    } finally {
      off();
      setProgress(null);
    }
  });

  const chosenKey = plan?.keys.find((k) => k.name === key);
  // Signing again with a key that already signed this digest adds a second signature by it:
  // said, and held until confirmed for that key.
  const alreadySigned = chosenKey ? (plan?.existing ?? []).filter((s) => s.keyFingerprint === chosenKey.fingerprint) : [];
  const needsConfirm = alreadySigned.length > 0 && signAgain !== chosenKey?.fingerprint;
  return (
    <section className="sign" aria-label="Sign an image">
      <h2 ref={heading} tabIndex={-1}>Sign an image</h2>
      <ol className="steps" aria-label="Steps">
        {(['choose', 'review', 'signing', 'done'] as Step[]).map((s, i) => <li key={s} aria-current={s === step ? 'step' : undefined} className={s === step ? 'current' : ''}>{i + 1}. {['Choose image', 'Review', 'Sign', 'Result'][i]}</li>)}
      </ol>
      {step === 'choose' && (
        <form onSubmit={(e) => { e.preventDefault(); review(); }}>
          <label>Image to sign
            <input value={image} onChange={(e) => setImage(e.target.value)} placeholder="registry.example.com/team/app:1.4, oci:/dir:name, docker-archive:/file.tar" size={60} />
          </label>
          <button type="submit" disabled={image.trim() === ''}>Review what will be signed</button>
        </form>
      )}
      {step === 'review' && plan && (
        <form onSubmit={(e) => { e.preventDefault(); sign(); }} className="review">
          <dl>
            <dt>Reference</dt><dd className="mono">{plan.image}</dd>
            {plan.needsPush ? <>
              <dt>Identity signed</dt><dd className="mono">{pushTo.trim() || '(the registry reference you push to, below)'}</dd>
              <dt>Digest</dt>{plan.digest
                ? <><dd><span className="mono" data-testid="plan-digest">{plan.digest}</span><div className="small">what the push will create, and what is signed</div></dd>
                  <dt>Media type</dt><dd className="mono">{plan.mediaType}</dd></>
                : <dd>known once the image is pushed</dd>}
              {plan.imageId && <><dt>Image ID</dt><dd><span className="mono" data-testid="plan-image-id">{plan.imageId}</span><div className="small">the engine's image that will be pushed and signed</div></dd></>}</> : <>
              <dt>Identity signed</dt><dd className="mono">{plan.identity}</dd>
              <dt>Digest</dt><dd className="mono" data-testid="plan-digest">{plan.digest}</dd>
              <dt>Media type</dt><dd className="mono">{plan.mediaType}</dd></>}
            <dt>Stored at</dt><dd className="mono" data-testid="stored-at">{plan.storedAt}</dd>
          </dl>
          {plan.needsPush && (
            <label>Push to (registry reference)
              <input value={pushTo} onChange={(e) => setPushTo(e.target.value)} placeholder="registry.example.com/team/app:1.5" size={60} required />
            </label>
          )}
          {plan.platforms.length > 0 && (
            <fieldset className="platforms">
              <legend>Platforms to sign</legend>
              <p data-testid="index-row">The index <span className="mono">{shortDigest(plan.digest)}</span> is always signed: it is what the reference names.</p>
              <p className="small">Each platform manifest you check is signed too (podman checks the one it pulls).</p>
              <ul>
                {plan.platforms.map((t) => (
                  <li key={t.digest}>
                    <label>
                      <input type="checkbox" checked={chosen.has(t.digest)} onChange={(e) => setChosen((c) => {
                        const next = new Set(c);
                        if (e.target.checked) next.add(t.digest); else next.delete(t.digest);
                        return next;
                      })} />
                      {' '}{t.platform ?? 'no platform'} <span className="mono">{shortDigest(t.digest)}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          )}
          <fieldset>
            <legend>Annotations to add</legend>
            {annotations.map((a, i) => (
              <div key={i} className="annotation">
                <label>Key<input value={a.k} onChange={(e) => setAnnotations(annotations.map((x, j) => (j === i ? { ...x, k: e.target.value } : x)))} /></label>
                <label>Value<input value={a.v} onChange={(e) => setAnnotations(annotations.map((x, j) => (j === i ? { ...x, v: e.target.value } : x)))} /></label>
                <button type="button" onClick={() => setAnnotations(annotations.filter((_, j) => j !== i))} aria-label={`Remove annotation ${i + 1}`}>Remove</button>
              </div>
            ))}
            <button type="button" onClick={() => setAnnotations([...annotations, { k: '', v: '' }])}>Add annotation</button>
          </fieldset>
          {plan.keys.length === 0 ? <Empty>You have no signing key yet: generate one on the Keys screen first.</Empty> : (
            <label>Signing key
              <select value={key} onChange={(e) => setKey(e.target.value)}>
                {plan.keys.map((k) => <option key={k.id} value={k.name}>{k.name} ({k.algorithm})</option>)}
              </select>
            </label>
          )}
          {chosenKey && <p>Fingerprint <span className="mono" data-testid="key-fingerprint">{chosenKey.fingerprint}</span></p>}
          {chosenKey && alreadySigned.length > 0 && (
            <div className="resign-warning" role="alert" data-testid="resign-warning">
              <p><strong>{chosenKey.name} has already signed this digest</strong>{alreadySigned[0]!.timestamp ? ` (on ${new Date(alreadySigned[0]!.timestamp * 1000).toLocaleString()})` : ''}, and that signature verifies. Signing again adds another signature by the same key; the image is verified either way.</p>
              <label className="inline"><input type="checkbox" checked={signAgain === chosenKey.fingerprint} onChange={(e) => setSignAgain(e.target.checked ? chosenKey.fingerprint : null)} /> Sign it again anyway</label>
            </div>
          )}
          {plan.existingError && <p className="note" data-testid="existing-error">The signatures already on this digest could not be read, so Signet cannot say whether this key signed it before: {plan.existingError}</p>}
          <div className="buttons">
            <button type="button" onClick={() => setStep('choose')}>Back</button>
            <button type="submit" className="primary" disabled={!chosenKey || needsConfirm || (plan.needsPush && pushTo.trim() === '')}>{signButtonText(plan, chosen.size)}</button>
          </div>
        </form>
      )}
      {step === 'signing' && <Busy text={progress ?? 'Signing…'} />}
      {act.busy && step !== 'signing' && <Busy text={act.busy} />}
      <ErrorBox error={act.error} />
      {step === 'done' && result && (
        <div className="result" role="status">
          <h3>Signed — read back from where it was stored:</h3>
          {result.pushed && <p>Pushed to <span className="mono">{result.pushed.dest}</span> at <span className="mono">{result.pushed.digest}</span></p>}
          <ul>
            {result.signatures.map((s) => (
              <li key={s.digest}>
                <span className="mono">{s.digest === result.digest ? ((plan?.platforms.length ?? 0) > 0 ? 'index' : 'image') : s.platform ?? 'platform'} {s.digest.slice(0, 19)}…</span> <Badge row={s.readBack} />
                <div className="mono small">{s.location}{s.alreadyPresent ? ' (this very signature was already there: nothing was added)' : ''}</div>
              </li>
            ))}
          </ul>
          <div className="buttons">
            <button type="button" onClick={() => { setStep('choose'); setResult(null); }}>Sign another</button>
            <button type="button" className="primary" onClick={onDone}>Back to images</button>
          </div>
        </div>
      )}
    </section>
  );
}

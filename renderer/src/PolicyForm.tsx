// An admission policy, shown before it is saved: in any of the five formats, enforcing or only
// auditing (containers' policy.json cannot audit, and says so), for an image pattern pre-filled
// from the sources; each file can be copied or saved. `keys` empty: the team policy (every own
// key and every teammate not revoked, as the host decides).
import { useEffect, useId, useState } from 'react';
import { POLICY_FORMATS, type PolicyExportView, type PolicyFormat, type PolicyMode } from '../../shared/api.js';
import { call, saveFile } from './api.js';
import { copyText } from './clipboard.js';
import { Busy, ErrorBox, useAction, useLoad } from './common.js';
import { imagePatterns } from '../../shared/policy-patterns.js';

export const POLICY_LABEL: Record<PolicyFormat, string> = {
  cosign: 'cosign verify script', containers: 'containers policy.json (podman, skopeo, CRI-O)', kyverno: 'Kyverno ClusterPolicy',
  'kyverno-ivp': 'Kyverno ImageValidatingPolicy', 'policy-controller': 'Sigstore policy-controller ClusterImagePolicy',
};

/** What audit means in each format, said where the choice is made. */
const AUDIT_MEANS: Record<PolicyFormat, string> = {
  cosign: 'the script prints AUDIT: and exits 0 for an image no trusted key signed',
  containers: 'containers policy.json has no audit mode: podman, skopeo and CRI-O always refuse what it does not admit',
  kyverno: 'Kyverno admits the pod and reports the failure in a policy report (failureAction: Audit)',
  'kyverno-ivp': 'Kubernetes admits the pod, records the failure in its audit log and warns whoever deploys it',
  'policy-controller': 'policy-controller admits the pod and returns the failure as a warning (mode: warn)',
};

export function PolicyForm({ keys }: { keys: string[] }) {
  const id = useId();
  const sources = useLoad(() => call('sources.list', {}));
  const patterns = imagePatterns(sources.data ?? []);
  const [format, setFormat] = useState<PolicyFormat>('kyverno');
  const [mode, setMode] = useState<PolicyMode>('enforce');
  const [images, setImages] = useState('');
  const [touched, setTouched] = useState(false);
  const [policy, setPolicy] = useState<PolicyExportView | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const act = useAction();
  // Pre-filled from the sources until the user types their own.
  useEffect(() => { if (!touched) setImages(patterns.suggested); }, [patterns.suggested, touched]);
  const auditImpossible = format === 'containers';
  const effectiveMode: PolicyMode = auditImpossible ? 'enforce' : mode;
  return (
    <div className="policy-form">
      <form onSubmit={(e) => { e.preventDefault(); setCopied(null); void act.run('Writing the policy…', async () => setPolicy(await call('policy.export', { format, images: images.trim(), keys, mode: effectiveMode }))); }}>
        <label>Policy format
          <select value={format} onChange={(e) => { setFormat(e.target.value as PolicyFormat); setPolicy(null); }}>
            {POLICY_FORMATS.map((f) => <option key={f} value={f}>{POLICY_LABEL[f]}</option>)}
          </select>
        </label>
        <fieldset className="mode">
          <legend>Mode</legend>
          <label><input type="radio" name={`${id}-mode`} checked={effectiveMode === 'enforce'} onChange={() => setMode('enforce')} /> Enforce: refuse images no trusted key signed</label>
          <label><input type="radio" name={`${id}-mode`} checked={effectiveMode === 'audit'} disabled={auditImpossible} onChange={() => setMode('audit')} aria-describedby={`${id}-audit`} /> Audit: let them through, and report them</label>
          <small id={`${id}-audit`} className={auditImpossible ? 'warn' : 'hint'}>{auditImpossible ? AUDIT_MEANS.containers : `Audit: ${AUDIT_MEANS[format]}.`}</small>
        </fieldset>
        <label>Images it covers
          <input value={images} size={40} list={`${id}-patterns`} onChange={(e) => { setImages(e.target.value); setTouched(true); }} placeholder="registry.example.com/team/*" required />
          <datalist id={`${id}-patterns`}>{patterns.all.map((p) => <option key={p} value={p} />)}</datalist>
        </label>
        <button type="submit">Show policy</button>
      </form>
      <Busy text={act.busy} />
      <ErrorBox error={act.error} />
      {policy && (
        <div className="policy">
          <p data-testid="policy-keys">Trusts {policy.keys.map((k) => `${k.name} (${k.fingerprint.slice(0, 23)}…)`).join(', ')}; {effectiveMode === 'audit' ? 'audits' : 'enforces'} {images.trim()}.</p>
          {policy.notes.map((n, i) => <p key={i} className="note">Note: {n}</p>)}
          {policy.files.map((f) => (
            <div key={f.path}>
              <div className="file-head">
                <span className="mono">{f.path}</span>{' '}
                <button type="button" onClick={() => void copyText(f.content).then(() => setCopied(f.path), (e: unknown) => act.setError((e as Error).message))}>Copy {f.path}</button>{' '}
                <button type="button" onClick={() => saveFile(f.path.split('/').pop() ?? f.path, f.content)}>Save {f.path}</button>
                {copied === f.path && <span role="status"> Copied.</span>}
              </div>
              <textarea readOnly aria-label={`Policy file ${f.path}`} value={f.content} rows={8} cols={80} className="mono" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

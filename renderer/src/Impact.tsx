// What a change would do to the images, as the host computes it from the last listing of each
// source (impact.preview): shown inside a confirmation before the user decides.
import type { ImpactChange } from '../../shared/api.js';
import { printable } from '../../shared/printable.js';
import { call } from './api.js';
import { useLoad } from './common.js';

/** At most this many images are named in the dialog; the message counts them all. */
const NAMED = 8;

export function Impact({ change, name }: { change: ImpactChange; name: string }) {
  const impact = useLoad(() => call('impact.preview', { change, name }), [change, name]);
  if (impact.loading) return <p className="impact" role="status">Working out which images this changes…</p>;
  if (impact.error) return <p className="impact warn" role="status">Which images this changes could not be worked out: {impact.error}</p>;
  const v = impact.data!;
  return (
    <div className={v.known ? 'impact' : 'impact impact-unknown'} data-testid="impact">
      <p>{printable(v.message)}</p>
      {v.images.length > 0 && (
        <ul className="impact-images" aria-label="Images that change">
          {v.images.slice(0, NAMED).map((i) => <li key={i.image}><span className="mono">{printable(i.image)}</span>: {i.from} → <strong>{i.to}</strong></li>)}
          {v.count > NAMED && <li>and {v.count - NAMED} more</li>}
        </ul>
      )}
    </div>
  );
}

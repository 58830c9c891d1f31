import type { SessionMode } from '../../../shared/api/settings';
import { formatCountdown, modeLabel } from '../ui/format';

export interface BannerViewProps {
  customerName: string;
  customerEmail: string;
  storeName: string;
  mode: SessionMode;
  secondsLeft: number;
  state: 'opening' | 'open' | 'ending' | 'ended';
  onEnd: () => void;
}

/**
 * The line above an assisted storefront: whom, where, how, how long. In Electron it is its own view
 * (banner.html), out of the storefront's reach; the browser tier draws the same line in the tab.
 */
export function BannerView({
  customerName,
  customerEmail,
  storeName,
  mode,
  secondsLeft,
  state,
  onEnd,
}: BannerViewProps) {
  const low = secondsLeft <= 120;
  return (
    <div className={`assist-banner mode-${mode}`} role="region" aria-label="Assisted session">
      <span>
        Assisting <strong>{customerName}</strong> ({customerEmail})
      </span>
      <span aria-hidden="true">·</span>
      <span>{storeName}</span>
      <span aria-hidden="true">·</span>
      <span>{modeLabel(mode)}</span>
      <span aria-hidden="true">·</span>
      <span className={low ? 'countdown low' : 'countdown'} role="timer" aria-live="off">
        {state === 'ended' ? 'ended' : state === 'opening' ? 'opening…' : `${formatCountdown(secondsLeft)} left`}
      </span>
      <span aria-hidden="true">·</span>
      <button type="button" className="banner-end" onClick={onEnd} disabled={state === 'ending' || state === 'ended'}>
        {state === 'ending' ? 'Ending…' : 'End session'}
      </button>
    </div>
  );
}

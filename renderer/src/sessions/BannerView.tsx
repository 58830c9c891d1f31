import type { BannerState } from '../../../shared/ipc/contract';
import { secondsLeftAt, useNow } from '../ui/useNow';
import { SessionHeader } from './SessionHeader';

export interface BannerViewProps {
  state: BannerState;
  /** When main's state arrived: the countdowns run from here. */
  receivedAt: number;
  /** "End session" was pressed and main has not answered yet. */
  ending: boolean;
  keepingAlive: boolean;
  onEnd: () => void;
  onKeepAlive: () => void;
}

/**
 * Electron's banner view (banner.html): the session's one header, in its own view above the
 * storefront, out of the page's reach. In the browser tier the console draws the same header.
 */
export function BannerView({ state, receivedAt, ending, keepingAlive, onEnd, onKeepAlive }: BannerViewProps) {
  const now = useNow(1000, state.state === 'open');
  return (
    <SessionHeader
      customerName={state.customerName}
      customerEmail={state.customerEmail}
      storeName={state.storeName}
      mode={state.mode}
      reason={state.reason}
      ticket={state.ticket}
      idleSecondsLeft={secondsLeftAt(state.idleSecondsLeft, receivedAt, now)}
      maxSecondsLeft={secondsLeftAt(state.maxSecondsLeft, receivedAt, now)}
      idleTimeoutSeconds={state.idleTimeoutSeconds}
      state={ending && state.state === 'open' ? 'ending' : state.state}
      keepingAlive={keepingAlive}
      onEnd={onEnd}
      onKeepAlive={onKeepAlive}
    />
  );
}

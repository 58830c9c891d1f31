import { useEffect, useState } from 'react';
import type { BannerBridge, BannerState } from '../../shared/ipc/contract';
import { BannerView } from '../src/sessions/BannerView';
import { secondsLeftAt, useNow } from '../src/ui/useNow';

/** The banner view's page: main pushes its session's state; the only thing it can do is end it. */
export function BannerApp({ bridge }: { bridge: BannerBridge }) {
  const [received, setReceived] = useState<{ state: BannerState; at: number } | null>(null);
  const [ending, setEnding] = useState(false);
  useEffect(
    () =>
      bridge.onState((state) => {
        setReceived({ state, at: Date.now() });
      }),
    [bridge],
  );
  const now = useNow(1000, received?.state.state === 'open');
  if (!received) return <div className="assist-banner">Assisted session…</div>;
  const { state } = received;
  return (
    <BannerView
      customerName={state.customerName}
      customerEmail={state.customerEmail}
      storeName={state.storeName}
      mode={state.mode}
      secondsLeft={secondsLeftAt(state.secondsLeft, received.at, now)}
      state={ending && state.state === 'open' ? 'ending' : state.state}
      onEnd={() => {
        setEnding(true);
        bridge.endSession().catch(() => {
          setEnding(false);
        });
      }}
    />
  );
}

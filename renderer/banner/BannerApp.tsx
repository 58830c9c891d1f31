import { useEffect, useState } from 'react';
import type { BannerBridge, BannerState } from '../../shared/ipc/contract';
import { BannerView } from '../src/sessions/BannerView';

/**
 * The banner view's page: main pushes its session's state; all it can do is end the session or
 * say "I'm still here".
 */
export function BannerApp({ bridge }: { bridge: BannerBridge }) {
  const [received, setReceived] = useState<{ state: BannerState; at: number } | null>(null);
  const [ending, setEnding] = useState(false);
  const [keepingAlive, setKeepingAlive] = useState(false);
  useEffect(
    () =>
      bridge.onState((state) => {
        setReceived({ state, at: Date.now() });
      }),
    [bridge],
  );
  if (!received) return <div className="session-header">Assisted session…</div>;
  return (
    <BannerView
      state={received.state}
      receivedAt={received.at}
      ending={ending}
      keepingAlive={keepingAlive}
      onEnd={() => {
        setEnding(true);
        bridge.endSession().catch(() => {
          setEnding(false);
        });
      }}
      onKeepAlive={() => {
        setKeepingAlive(true);
        // main pushes the moved deadline as the banner's next state.
        bridge
          .keepAlive()
          .catch(() => undefined)
          .finally(() => {
            setKeepingAlive(false);
          });
      }}
    />
  );
}

import { useEffect, useState } from 'react';
import type { BannerBridge, BannerState } from '../../shared/ipc/contract';
import { SessionHeader } from '../src/sessions/SessionHeader';

/**
 * Electron's banner view (banner.html): the session's one header, in its own view above the
 * storefront, out of the page's reach. main pushes its session's state; all it can do is end the
 * session or say "I'm still here".
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
    <SessionHeader
      facts={received.state}
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

import { useCallback, useSyncExternalStore } from 'react';
import type { ConsoleLink } from '../../../shared/ipc/contract';
import type { ConsoleLinkWatch } from '../bridge/console-link';

/** What the agent reads, and whether reloading the page helps; null: nothing to say. */
const NOTICES: Record<ConsoleLink, { text: string; reload: boolean } | null> = {
  connecting: null,
  connected: null,
  stopped: { text: 'The console is not running — start it again with npm start.', reload: false },
  restarted: { text: 'The console restarted. Reload to continue.', reload: true },
  token_changed: {
    text: 'The console restarted with a new address. Open the address printed in the terminal where it runs (npm start).',
    reload: false,
  },
};

const never = () => () => undefined;

/**
 * Browser tier only: a persistent notice when the console behind the page stopped or restarted,
 * so the agent does not keep working in a page whose calls fail or whose state is stale.
 */
export function ConsoleLinkNotice({
  link,
  reload = () => {
    window.location.reload();
  },
}: {
  link: ConsoleLinkWatch | null;
  reload?: () => void;
}) {
  const subscribe = useCallback((listener: () => void) => (link ? link.subscribe(listener) : never()), [link]);
  const state = useSyncExternalStore(subscribe, () => link?.current() ?? 'connected');
  const notice = NOTICES[state];
  if (!notice) return null;
  return (
    <div className="link-notice" role="alert">
      <span>{notice.text}</span>
      {notice.reload && (
        <button type="button" className="primary" onClick={reload}>
          Reload
        </button>
      )}
    </div>
  );
}

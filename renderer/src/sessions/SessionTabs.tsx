import { useIpcMutation } from '../bridge/context';
import { useUi } from '../state/context';
import { formatCountdown } from '../ui/format';
import { secondsLeftAt, useNow } from '../ui/useNow';
import { useSetOpenSession, type OpenSessions } from './useOpenSessions';

/** One tab per session open in this console, beside the customer search. */
export function SessionTabs({ open }: { open: OpenSessions }) {
  const screen = useUi((s) => s.screen);
  const show = useUi((s) => s.show);
  const dismissed = useUi((s) => s.dismissed);
  const dismiss = useUi((s) => s.dismiss);
  const setOpen = useSetOpenSession();
  const end = useIpcMutation('sessions.end', { onSuccess: setOpen });
  const visible = open.sessions.filter((s) => !dismissed.includes(s.session.id));
  const now = useNow(
    1000,
    visible.some((s) => s.state === 'open'),
  );

  return (
    <>
      {visible.map((open_) => {
        const { session } = open_;
        const active = screen.name === 'session' && screen.sessionId === session.id;
        const ended = open_.state === 'ended';
        const left = secondsLeftAt(open_.secondsLeft, open.receivedAt, now);
        const close = () => {
          dismiss(session.id);
          if (active) show({ name: 'search' });
        };
        return (
          <span key={session.id} className={`session-tab${active ? ' active' : ''}${ended ? ' ended' : ''}`}>
            <button
              type="button"
              className="session-tab-open"
              aria-current={active ? 'page' : undefined}
              onClick={() => {
                show({ name: 'session', sessionId: session.id });
              }}
            >
              <span className="tab-name">{session.customerName}</span>
              <span className="tab-time">
                {ended ? 'ended' : open_.state === 'open' ? formatCountdown(left) : open_.state}
              </span>
            </button>
            {ended ? (
              <button
                type="button"
                className="tab-close"
                aria-label={`Close tab for ${session.customerName}`}
                onClick={close}
              >
                ×
              </button>
            ) : (
              <button
                type="button"
                className="tab-close"
                aria-label={`End session with ${session.customerName}`}
                title="End session"
                disabled={open_.state === 'ending'}
                onClick={() => {
                  end.mutate({ sessionId: session.id });
                }}
              >
                ×
              </button>
            )}
          </span>
        );
      })}
    </>
  );
}

import { useEffect, useId, useRef, useState } from 'react';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useUi } from '../state/context';
import { formatTime } from '../ui/format';
import type { OpenSessions } from './useOpenSessions';

/** How many ended sessions stay within reach; older ones drop off the list. */
export const RECENTLY_ENDED_LIMIT = 5;

/** The ended sessions the agent has not dismissed, the latest first, at most the limit. */
export function recentlyEnded(sessions: readonly OpenSession[], dismissed: readonly string[]): OpenSession[] {
  const endedAt = (s: OpenSession) => s.session.endedAt ?? '';
  return sessions
    .filter((s) => s.state === 'ended' && !dismissed.includes(s.session.id))
    .sort((a, b) => endedAt(b).localeCompare(endedAt(a)))
    .slice(0, RECENTLY_ENDED_LIMIT);
}

/**
 * Ended sessions, folded into one button in the top bar: each can be reopened to read how it
 * ended, or dismissed. Escape or a click elsewhere folds the list again.
 */
export function RecentlyEnded({ open }: { open: OpenSessions }) {
  const screen = useUi((s) => s.screen);
  const show = useUi((s) => s.show);
  const dismissed = useUi((s) => s.dismissed);
  const dismiss = useUi((s) => s.dismiss);
  const [expanded, setExpanded] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const ended = recentlyEnded(open.sessions, dismissed);
  const shown = screen.name === 'session' ? screen.sessionId : null;

  useEffect(() => {
    if (!expanded) return;
    const away = (event: MouseEvent) => {
      if (!(event.target instanceof Node) || !root.current?.contains(event.target)) setExpanded(false);
    };
    document.addEventListener('mousedown', away);
    return () => {
      document.removeEventListener('mousedown', away);
    };
  }, [expanded]);

  if (ended.length === 0) return null;
  const active = ended.some((s) => s.session.id === shown);
  return (
    <span
      className="recent-ended"
      ref={root}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !expanded) return;
        event.stopPropagation();
        setExpanded(false);
        toggle.current?.focus();
      }}
    >
      <button
        type="button"
        ref={toggle}
        className={`recent-ended-toggle${active ? ' active' : ''}`}
        aria-expanded={expanded}
        aria-controls={listId}
        aria-current={active ? 'page' : undefined}
        onClick={() => {
          setExpanded((e) => !e);
        }}
      >
        Recently ended ({ended.length})
      </button>
      {expanded && (
        <ul id={listId} className="recent-ended-list" aria-label="Recently ended sessions">
          {ended.map(({ session, endedMessage }) => (
            <li key={session.id}>
              <button
                type="button"
                className="recent-ended-open"
                aria-current={session.id === shown ? 'page' : undefined}
                onClick={() => {
                  setExpanded(false);
                  show({ name: 'session', sessionId: session.id });
                }}
              >
                {session.customerName}
                <small>
                  {session.endedAt ? `${formatTime(session.endedAt)} · ` : ''}
                  {endedMessage ?? 'Ended.'}
                </small>
              </button>
              <button
                type="button"
                className="tab-close"
                aria-label={`Dismiss the ended session with ${session.customerName}`}
                onClick={() => {
                  dismiss(session.id);
                  if (session.id === shown) show({ name: 'search' });
                  toggle.current?.focus();
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

import { useState } from 'react';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useIpcMutation } from '../bridge/context';
import { useUi } from '../state/context';
import { formatCountdown } from '../ui/format';
import { secondsLeftAt, useNow } from '../ui/useNow';
import { ConfirmDialog } from './ConfirmDialog';
import { useSetOpenSession, type OpenSessions } from './useOpenSessions';

/**
 * One tab per live session in this console, beside the customer search. Ended sessions leave the
 * strip for "Recently ended" (RecentlyEnded.tsx); closing a live tab ends its session, after asking.
 */
export function SessionTabs({ open }: { open: OpenSessions }) {
  const screen = useUi((s) => s.screen);
  const show = useUi((s) => s.show);
  const setOpen = useSetOpenSession();
  const end = useIpcMutation('sessions.end', { onSuccess: setOpen });
  const [asking, setAsking] = useState<OpenSession | null>(null);
  const live = open.sessions.filter((s) => s.state !== 'ended');
  const now = useNow(
    1000,
    live.some((s) => s.state === 'open'),
  );

  return (
    <>
      {live.map((open_) => {
        const { session } = open_;
        const active = screen.name === 'session' && screen.sessionId === session.id;
        const left = secondsLeftAt(open_.secondsLeft, open.receivedAt, now);
        return (
          <span key={session.id} className={`session-tab${active ? ' active' : ''}`}>
            <button
              type="button"
              className="session-tab-open"
              aria-current={active ? 'page' : undefined}
              onClick={() => {
                show({ name: 'session', sessionId: session.id });
              }}
            >
              <span className="tab-name">{session.customerName}</span>
              <span className="tab-time">{open_.state === 'open' ? formatCountdown(left) : open_.state}</span>
            </button>
            <button
              type="button"
              className="tab-close"
              aria-label={`End session with ${session.customerName}`}
              title="End session"
              disabled={open_.state === 'ending'}
              onClick={() => {
                setAsking(open_);
              }}
            >
              ×
            </button>
          </span>
        );
      })}
      {asking && (
        <ConfirmDialog
          title={`End the session with ${asking.session.customerName}?`}
          confirmLabel="End session"
          cancelLabel="Keep it open"
          busy={end.isPending}
          onCancel={() => {
            setAsking(null);
          }}
          onConfirm={() => {
            end.mutate({ sessionId: asking.session.id });
            setAsking(null);
          }}
        >
          <p>
            The storefront closes and the session ends at the shop ({asking.storeName}). Starting again needs a new
            step-up and, without standing consent, a new code from the customer.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

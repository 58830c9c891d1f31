import { useId, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssistSession } from '../../../shared/api/sessions';
import { useBridge, useIpcEvent } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { shopQueries } from '../state/queries';
import { QueryState } from '../ui/QueryState';
import { formatCountdown, formatDuration, formatTime, modeLabel } from '../ui/format';
import { useNow } from '../ui/useNow';
import { LiveTimeline } from './LiveTimeline';
import { useLiveUpdates } from './useLiveUpdates';
import { ENDS_BY_LABEL, secondsSince, timeLeft } from './live-words';
import { TerminateForm } from './TerminateForm';

/** How often the list asks the shop again: current pages and activity are this fresh. */
export const LIVE_REFRESH_MS = 3000;
const COLUMNS = 8;

/** Supervisors: who is assisting whom right now, where they are and what they did, and a way to stop it with a reason. */
export function LiveSessions() {
  const canRead = useCan('sessions.read.all');
  const canTerminate = useCan('sessions.terminate');
  const bridge = useBridge();
  const stream = useLiveUpdates();
  const liveQuery = shopQueries.sessions(bridge, { status: 'active' });
  const live = useQuery({
    ...liveQuery,
    enabled: canRead,
    // The shop's stream says when a session changes; the timer asks only while it is down.
    refetchInterval: stream === 'live' ? false : LIVE_REFRESH_MS,
  });
  const queryClient = useQueryClient();
  useIpcEvent('live.session', () => {
    void queryClient.invalidateQueries({ queryKey: liveQuery.queryKey });
  });
  const stores = useQuery(shopQueries.stores(bridge));
  const now = useNow(1000);
  const [terminating, setTerminating] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  if (!canRead)
    return (
      <section className="page">
        <p className="info-note">Live sessions are for supervisors.</p>
      </section>
    );
  const storeName = (id: string) => stores.data?.find((s) => s.id === id)?.name ?? id;
  const toggle = (id: string) => {
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  };

  return (
    <section className="page" aria-labelledby="live-title" aria-busy={live.isFetching}>
      <div className="page-head">
        <h1 id="live-title">Live sessions</h1>
        <span className="muted small">
          {stream === 'live'
            ? 'Live: updates as they happen.'
            : `Updates every ${String(LIVE_REFRESH_MS / 1000)} seconds.`}
        </span>
      </div>
      <QueryState
        query={live}
        isEmpty={(data) => data.items.length === 0}
        empty={<p className="empty">Nobody is assisting a customer right now.</p>}
      >
        {(data) => (
          <table className="table live-table">
            <thead>
              <tr>
                <th scope="col">Staff</th>
                <th scope="col">Customer</th>
                <th scope="col">Current page</th>
                <th scope="col">Last activity</th>
                <th scope="col">Time left</th>
                <th scope="col">Mode</th>
                <th scope="col">Reason</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((session) => (
                <LiveRow
                  key={session.id}
                  session={session}
                  storeName={storeName(session.storeId)}
                  now={now}
                  canTerminate={canTerminate}
                  terminating={terminating === session.id}
                  onTerminating={(o) => {
                    setTerminating(o ? session.id : null);
                  }}
                  expanded={expanded.has(session.id)}
                  onToggle={() => {
                    toggle(session.id);
                  }}
                />
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

interface LiveRowProps {
  session: AssistSession;
  storeName: string;
  now: number;
  canTerminate: boolean;
  terminating: boolean;
  onTerminating: (open: boolean) => void;
  expanded: boolean;
  onToggle: () => void;
}

function LiveRow({
  session,
  storeName,
  now,
  canTerminate,
  terminating,
  onTerminating,
  expanded,
  onToggle,
}: LiveRowProps) {
  const timelineId = useId();
  const left = timeLeft(session, now);
  const idle = secondsSince(session.lastActivityAt, now);
  const who = `${session.staffName}’s session with ${session.customerName}`;
  return (
    <>
      <tr>
        <td>{session.staffName}</td>
        <td>
          {session.customerName} <span className="muted small">{session.customerEmail}</span>
          <div className="muted small">{storeName}</div>
        </td>
        <td className="wrap">
          <CurrentPage session={session} />
        </td>
        <td title={formatTime(session.lastActivityAt)}>{idle < 5 ? 'just now' : `${formatDuration(idle)} ago`}</td>
        <td>
          <span className="num">{formatCountdown(left.seconds)}</span>
          <div className="muted small">until {ENDS_BY_LABEL[left.by]}</div>
        </td>
        <td>{modeLabel(session.mode)}</td>
        <td className="wrap">
          {session.reason}
          {session.ticket && <span className="muted small"> · ticket {session.ticket}</span>}
        </td>
        <td className="actions">
          <button
            type="button"
            className="small-button"
            aria-expanded={expanded}
            aria-controls={expanded ? timelineId : undefined}
            aria-label={`${expanded ? 'Hide' : 'Show'} timeline of ${who}`}
            onClick={onToggle}
          >
            {expanded ? 'Hide timeline' : 'Timeline'}
          </button>{' '}
          {canTerminate && !terminating && (
            <button
              type="button"
              className="danger small-button"
              onClick={() => {
                onTerminating(true);
              }}
              aria-label={`Terminate ${who}`}
            >
              Terminate
            </button>
          )}
        </td>
      </tr>
      {terminating && (
        <tr className="inline-form-row">
          <td colSpan={COLUMNS}>
            <TerminateForm
              session={session}
              onDone={() => {
                onTerminating(false);
              }}
            />
          </td>
        </tr>
      )}
      {expanded && (
        <tr className="live-detail-row">
          <td colSpan={COLUMNS}>
            <LiveTimeline session={session} id={timelineId} />
          </td>
        </tr>
      )}
    </>
  );
}

function CurrentPage({ session }: { session: AssistSession }) {
  if (session.currentPage === null || session.currentPageAt === null)
    return <span className="muted">Storefront not opened yet</span>;
  return (
    <>
      {session.currentPage}
      <div className="muted small">{session.currentPagePath}</div>
      <div className="muted small">since {formatTime(session.currentPageAt)}</div>
    </>
  );
}

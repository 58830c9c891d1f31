import { useQuery } from '@tanstack/react-query';
import type { AuditEvent } from '../../../shared/api/audit';
import { useBridge } from '../bridge/context';
import { auditQueries } from '../state/queries';
import { QueryState } from '../ui/QueryState';
import { formatTime } from '../ui/format';
import { actionLabel, detailsSummary, timelineKind } from './describe';
import { TIMELINE_LIMIT } from './paging';

/** How often an empty timeline asks the mirror again. */
const EMPTY_RETRY_MS = 2000;

/** One session from start to end: every page viewed and every action, in order. */
export function SessionTimeline({ sessionId }: { sessionId: string }) {
  const bridge = useBridge();
  // An empty timeline asks again while it stays empty: the mirror may still be taking in the session.
  const events = useQuery({
    ...auditQueries.timeline(bridge, sessionId),
    refetchInterval: (query) => (query.state.data?.events.length === 0 ? EMPTY_RETRY_MS : false),
  });
  const ordered: AuditEvent[] = [...(events.data?.events ?? [])].sort((a, b) => a.seq - b.seq);
  const counts = { page: 0, action: 0, refused: 0 };
  for (const e of ordered) {
    const kind = timelineKind(e.action);
    // A refusal event may stand for several (details.count: the shop aggregates floods).
    if (kind === 'page' || kind === 'action' || kind === 'refused')
      counts[kind] += kind === 'refused' && typeof e.details.count === 'number' ? e.details.count : 1;
  }
  return (
    <aside className="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Session timeline</h2>
      <QueryState
        query={events}
        isEmpty={() => ordered.length === 0}
        empty={<p className="empty">No events for this session in the local copy yet.</p>}
      >
        {(data) => (
          <>
            <p className="muted small">
              {counts.page} pages viewed · {counts.action} actions · {counts.refused} refused
              {data.total > TIMELINE_LIMIT ? ` · first ${TIMELINE_LIMIT} of ${data.total}` : ''}
            </p>
            <ol className="timeline-list">
              {ordered.map((e) => (
                <li key={e.seq} className={`tl-${timelineKind(e.action)}`}>
                  <span className="tl-time">{formatTime(e.at)}</span>
                  <span className="tl-what">{actionLabel(e.action)}</span>
                  <span className="tl-details">{detailsSummary(e)}</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </QueryState>
    </aside>
  );
}

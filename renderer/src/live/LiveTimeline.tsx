import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssistSession } from '../../../shared/api/sessions';
import { timelineKind } from '../audit/describe';
import { useBridge, useIpcEvent } from '../bridge/context';
import { shopQueries } from '../state/queries';
import { QueryState } from '../ui/QueryState';
import { formatTime } from '../ui/format';
import { liveEventWords } from './live-words';
import { useLiveUpdates } from './useLiveUpdates';

/** How often an open timeline asks the shop again while its stream is down: pages and actions show within this. */
export const TIMELINE_REFRESH_MS = 2000;

/**
 * A live session's pages and actions, newest first, read from the shop itself (not the audit
 * mirror, which syncs only every half minute). While the shop's stream is live it is asked again
 * when the stream says this session changed (every page and action does); otherwise every 2 s.
 */
export function LiveTimeline({ session, id }: { session: AssistSession; id: string }) {
  const bridge = useBridge();
  const stream = useLiveUpdates();
  const query = shopQueries.sessionTimeline(bridge, session.id);
  const timeline = useQuery({ ...query, refetchInterval: stream === 'live' ? false : TIMELINE_REFRESH_MS });
  const queryClient = useQueryClient();
  useIpcEvent('live.session', (changed) => {
    if (changed.id === session.id) void queryClient.invalidateQueries({ queryKey: query.queryKey });
  });
  return (
    <section
      id={id}
      className="timeline live-timeline"
      aria-label={`Timeline of ${session.staffName}’s session with ${session.customerName}`}
    >
      <QueryState
        query={timeline}
        isEmpty={(data) => data.events.length === 0}
        empty={<p className="empty">Nothing recorded yet: the storefront has not been opened.</p>}
      >
        {(data) => {
          const pages = data.events.filter((e) => timelineKind(e.action) === 'page').length;
          const actions = data.events.filter((e) => timelineKind(e.action) === 'action').length;
          const newestFirst = [...data.events].sort((a, b) => b.seq - a.seq);
          return (
            <>
              <p className="muted small">
                Newest first · {pages} {pages === 1 ? 'page' : 'pages'} · {actions}{' '}
                {actions === 1 ? 'action' : 'actions'}
                {data.total > data.events.length ? ` · latest ${data.events.length} of ${data.total} events` : ''}
              </p>
              <ol className="timeline-list" aria-label="Pages and actions">
                {newestFirst.map((event) => {
                  const words = liveEventWords(event);
                  return (
                    <li key={event.seq} className={`tl-${timelineKind(event.action)}`}>
                      <span className="tl-time">{formatTime(event.at)}</span>
                      <span className="tl-what">{words.what}</span>
                      {words.detail && <span className="tl-details">{words.detail}</span>}
                    </li>
                  );
                })}
              </ol>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

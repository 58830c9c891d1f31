import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useBridge, useIpcEvent, useIpcMutation } from '../bridge/context';
import { sessionQueries } from '../state/queries';
import { ErrorNote } from '../ui/ErrorNote';

/**
 * Sessions a crashed run of this console left open, as the sign-in found and ended them: shown
 * until the agent dismisses it (main keeps it until then, so a reload shows it again).
 */
export function RecoveryNotice() {
  const bridge = useBridge();
  const recovery = sessionQueries.recovery(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('sessions.recovery', (state) => {
    queryClient.setQueryData(recovery.queryKey, state);
  });
  // Asked again on each mount: events sent while signed out (no shell) are not seen here.
  const query = useQuery(recovery);
  const dismiss = useIpcMutation('sessions.dismissRecovery', {
    onSuccess: () => {
      queryClient.setQueryData(recovery.queryKey, { notice: null });
    },
  });
  const notice = query.data?.notice;
  if (!notice) return null;
  return (
    <section className="recovery-notice" role="status" aria-label="Sessions from your last run">
      <div>
        <p>{notice.message}</p>
        <ul>
          {notice.sessions.map((s) => (
            <li key={s.sessionId}>
              {s.customerName}: {s.detail}
            </li>
          ))}
        </ul>
        <ErrorNote error={dismiss.error} />
      </div>
      <button
        type="button"
        className="quiet"
        disabled={dismiss.isPending}
        onClick={() => {
          dismiss.mutate({});
        }}
      >
        Dismiss
      </button>
    </section>
  );
}

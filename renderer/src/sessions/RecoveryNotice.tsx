import { useQueryClient } from '@tanstack/react-query';
import { ipcKey, useIpcEvent, useIpcMutation, useIpcQuery } from '../bridge/context';
import { ErrorNote } from '../ui/ErrorNote';

/**
 * Sessions a crashed run of this console left open, as the sign-in found and ended them: shown
 * until the agent dismisses it (main keeps it until then, so a reload shows it again).
 */
export function RecoveryNotice() {
  const queryClient = useQueryClient();
  const key = ipcKey('sessions.recovery', {});
  useIpcEvent('sessions.recovery', (state) => {
    queryClient.setQueryData(key, state);
  });
  // Asked again on each mount: events sent while signed out (no shell) are not seen here.
  const query = useIpcQuery('sessions.recovery', {});
  const dismiss = useIpcMutation('sessions.dismissRecovery', {
    onSuccess: () => {
      queryClient.setQueryData(key, { notice: null });
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

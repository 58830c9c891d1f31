import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuditSyncStatus } from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent, useIpcMutation } from '../bridge/context';
import { auditQueries } from '../state/queries';
import { ErrorNote } from '../ui/ErrorNote';
import { formatTime } from '../ui/format';

const number = new Intl.NumberFormat();

/** main's audit mirror status, kept current by its `audit.status` event. */
export function useAuditStatus() {
  const bridge = useBridge();
  const query = auditQueries.status(bridge);
  const queryClient = useQueryClient();
  useIpcEvent('audit.status', (status) => {
    queryClient.setQueryData(query.queryKey, status);
  });
  return useQuery(query);
}

export function AuditStatusBar({ status }: { status: AuditSyncStatus | undefined }) {
  const bridge = useBridge();
  const { queryKey } = auditQueries.status(bridge);
  const queryClient = useQueryClient();
  const sync = useIpcMutation('audit.sync', {
    onSuccess: (value) => {
      queryClient.setQueryData(queryKey, value);
    },
  });
  if (!status)
    return (
      <div className="status-bar" aria-busy="true">
        Loading audit status…
      </div>
    );
  const percent = status.headSeq > 0 ? Math.min(100, Math.floor((status.lastSeq / status.headSeq) * 100)) : 100;
  return (
    <div className="status-bar">
      <div className="status-item" role="status" aria-label="Sync status">
        {status.state === 'syncing' ? (
          <>
            <span>
              Syncing {number.format(status.lastSeq)} of {number.format(status.headSeq)}
            </span>
            <progress max={100} value={percent} aria-label="Sync progress">
              {percent}%
            </progress>
          </>
        ) : status.state === 'error' ? (
          <span className="bad">Sync failed: {status.message ?? 'unknown problem'}</span>
        ) : (
          <span>
            Synced {number.format(status.lastSeq)} events
            {status.lastSyncAt ? ` · ${formatTime(status.lastSyncAt)}` : ''}
          </span>
        )}
      </div>
      <div className="status-item" role="status" aria-label="Chain verification">
        {status.verification.ok ? (
          <span className="good">✓ Chain verified ({number.format(status.verification.checked)} events)</span>
        ) : (
          <span className="bad">
            ✗ Chain broken at seq {status.verification.badSeq}: {status.verification.problem}
          </span>
        )}
      </div>
      <button
        type="button"
        className="small-button"
        onClick={() => {
          sync.mutate({});
        }}
        disabled={sync.isPending || status.state === 'syncing'}
      >
        {sync.isPending ? 'Syncing…' : 'Sync now'}
      </button>
      <ErrorNote error={sync.error} />
    </div>
  );
}

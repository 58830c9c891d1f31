import type { AuditSyncStatus } from '../../../shared/ipc/contract';
import { ErrorNote } from '../ui/ErrorNote';
import { formatTime } from '../ui/format';
import { SigningStatus } from './SigningStatus';
import { ReverifyControl } from './ReverifyControl';
import { useAuditStatusCall } from './useAuditStatus';

const number = new Intl.NumberFormat();

/**
 * What a sync has done so far, in events. A reader of everyone's events sees every seq, so what is
 * left is exact (head − cursor); a reader of their own events sees an unknown share of them.
 */
function syncProgress(status: AuditSyncStatus, everyone: boolean): string {
  if (status.headSeq === 0) return 'Syncing… contacting the shop';
  if (!everyone) return `Syncing… ${number.format(status.synced)} events so far`;
  const total = status.synced + Math.max(0, status.headSeq - status.lastSeq);
  return `Syncing ${number.format(status.synced)} of ${number.format(total)} events…`;
}

function SyncState({ status, everyone }: { status: AuditSyncStatus; everyone: boolean }) {
  const percent = status.headSeq > 0 ? Math.min(100, Math.floor((status.lastSeq / status.headSeq) * 100)) : 0;
  if (status.state === 'opening')
    return (
      <>
        <span>{status.message ?? 'Opening…'}</span>
        <progress aria-label="Opening progress" />
      </>
    );
  if (status.state === 'syncing')
    return (
      <>
        <span>{syncProgress(status, everyone)}</span>
        <progress max={100} value={percent} aria-label="Sync progress">
          {percent}%
        </progress>
      </>
    );
  if (status.state === 'error') return <span className="bad">Sync failed: {status.message ?? 'unknown problem'}</span>;
  // Never synced: nothing to count yet (not "Synced 0 events").
  if (!status.lastSyncAt) return <span>Not synced yet</span>;
  // A supervisor's copy keeps a window of recent history: the count is of that.
  const kept = status.window?.days ? ` of the last ${number.format(status.window.days)} days` : '';
  return (
    <span>
      Synced {number.format(status.synced)} {status.synced === 1 ? 'event' : 'events'}
      {kept} · {formatTime(status.lastSyncAt)}
    </span>
  );
}

function Verification({ status }: { status: AuditSyncStatus }) {
  if (!status.verification.ok)
    return (
      <span className="bad">
        ✗ Chain broken at seq {status.verification.badSeq}: {status.verification.problem}
      </span>
    );
  const count = status.verification.checked;
  const checked = number.format(count);
  if (!status.lastSyncAt)
    return (
      <span className="muted">{status.state === 'syncing' ? `Verifying as it syncs (${checked} so far)` : ''}</span>
    );
  if (status.scope === 'own')
    // Only the reader's own events: their links to the events between them cannot be checked.
    return (
      <span
        className="good"
        title="Links between events are checked only where your events follow each other directly."
      >
        {count === 1
          ? '✓ Your one event matches its own hash'
          : `✓ Each of your ${checked} events matches its own hash; links to others’ events not checked`}
      </span>
    );
  return (
    <span className="good">
      ✓ Chain verified ({checked} {count === 1 ? 'event' : 'events'})
    </span>
  );
}

/** `everyone`: the reader sees every event (audit.read.all), so progress can count what is left. */
export function AuditStatusBar({
  status,
  everyone = false,
}: {
  status: AuditSyncStatus | undefined;
  everyone?: boolean;
}) {
  const sync = useAuditStatusCall('audit.sync');
  if (!status)
    return (
      <div className="status-bar" aria-busy="true">
        Loading audit status…
      </div>
    );
  return (
    <div className="status-bar">
      <div className="status-item" role="status" aria-label="Sync status">
        <SyncState status={status} everyone={everyone} />
      </div>
      <div className="status-item" role="status" aria-label="Chain verification">
        <Verification status={status} />
      </div>
      <div className="status-item" role="status" aria-label="Signed checkpoints">
        <SigningStatus status={status} canTrust={everyone} />
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
      <ReverifyControl status={status} />
    </div>
  );
}

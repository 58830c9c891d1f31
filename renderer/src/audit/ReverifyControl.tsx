import type { AuditReverifyStatus, AuditSyncStatus } from '../../../shared/ipc/contract';
import { ErrorNote } from '../ui/ErrorNote';
import { useAuditStatusCall } from './useAuditStatus';

const number = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** What a re-verification found, in words (main/core/audit-mirror/reverify.ts names the problems). */
const PROBLEMS: Record<string, string> = {
  hash_mismatch: 'its content no longer matches its hash',
  broken_link: 'it no longer links to the event before it',
  checkpoint_mismatch: "a signed checkpoint of the shop's disagrees with it",
};

function ReverifyState({ reverify }: { reverify: AuditReverifyStatus }) {
  if (reverify.state === 'running')
    return (
      <span>
        Re-verifying… {number.format(reverify.checked)} of {number.format(reverify.total)}
      </span>
    );
  if (reverify.problem)
    return (
      <span className="bad">
        ✗ Re-verification: event {reverify.problem.seq} no longer verifies (
        {PROBLEMS[reverify.problem.problem] ?? reverify.problem.problem})
      </span>
    );
  // A pass over an empty copy (the first one, before any event arrived) has nothing to say.
  if (!reverify.lastCompletedAt || reverify.checked === 0) return null;
  return (
    <span>
      Re-verified {number.format(reverify.checked)} {reverify.checked === 1 ? 'event' : 'events'} at{' '}
      {clock.format(new Date(reverify.lastCompletedAt))}
    </span>
  );
}

/**
 * "Verify again": checks every event the mirror stored once more, and the checkpoints over them
 * (main runs the pass in the background; the status follows its progress and result).
 */
export function ReverifyControl({ status }: { status: AuditSyncStatus }) {
  const verify = useAuditStatusCall('audit.verifyAgain');
  return (
    <>
      <div className="status-item" role="status" aria-label="Re-verification">
        <ReverifyState reverify={status.reverify} />
      </div>
      <button
        type="button"
        className="small-button"
        onClick={() => {
          verify.mutate({});
        }}
        disabled={verify.isPending || status.reverify.state === 'running'}
      >
        Verify again
      </button>
      <ErrorNote error={verify.error} />
    </>
  );
}

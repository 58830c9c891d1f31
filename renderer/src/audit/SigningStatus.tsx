import { useState } from 'react';
import type { AuditKeyStatus, AuditSyncStatus } from '../../../shared/ipc/contract';
import { ErrorNote } from '../ui/ErrorNote';
import { formatTime } from '../ui/format';
import { useAuditStatusCall } from './useAuditStatus';

const number = new Intl.NumberFormat();

/** The shop's reasons in words, after "rewritten at or before seq N". */
const REWRITE_REASONS: Record<string, string> = {
  checkpoint_mismatch: 'a signed checkpoint names another hash than the event this console holds',
  bad_signature: 'a checkpoint’s signature does not verify with the pinned key',
  checkpoint_changed: 'the shop sent another checkpoint for a seq than before',
  log_truncated: 'the shop’s log now ends before events or checkpoints this console saw',
  checkpoint_missing: 'the shop’s newest checkpoint is older than one this console saw',
};

const PIN_SOURCES: Record<NonNullable<AuditKeyStatus['source']>, string> = {
  first_sync: 'pinned on first sync',
  configuration: 'from configuration',
  trusted: 'trusted by hand',
};

function pinnedKeys(keys: readonly AuditKeyStatus[]): string {
  return keys
    .filter((k) => k.pinned)
    .map(
      (k) =>
        `${k.fingerprint} (${k.source ? PIN_SOURCES[k.source] : 'pinned'}${k.pinnedAt ? `, ${formatTime(k.pinnedAt)}` : ''}${k.retiredAt ? ', retired' : ''})`,
    )
    .join('; ');
}

/** A key the shop lists that this console has not pinned: trusted only after the person compares its fingerprint. */
function TrustKey({ keyStatus }: { keyStatus: AuditKeyStatus }) {
  const [asking, setAsking] = useState(false);
  const trust = useAuditStatusCall('audit.trustKey');
  if (!asking)
    return (
      <button
        type="button"
        className="small-button"
        onClick={() => {
          setAsking(true);
        }}
      >
        Trust key {keyStatus.fingerprint}…
      </button>
    );
  return (
    <span role="group" aria-label={`Trust key ${keyStatus.fingerprint}`}>
      Trust only if the shop’s administrator reads you the same fingerprint: <strong>{keyStatus.fingerprint}</strong>{' '}
      <button
        type="button"
        className="small-button"
        disabled={trust.isPending}
        onClick={() => {
          trust.mutate({ keyId: keyStatus.keyId });
        }}
      >
        Trust
      </button>{' '}
      <button
        type="button"
        className="small-button"
        onClick={() => {
          setAsking(false);
        }}
      >
        Cancel
      </button>
      <ErrorNote error={trust.error} />
    </span>
  );
}

/** What the shop's signed checkpoints say: verified, a key to look at, or history rewritten. */
export function SigningStatus({ status, canTrust }: { status: AuditSyncStatus; canTrust: boolean }) {
  const signing = status.signing;
  if (signing.state === 'rewritten' && signing.rewritten)
    return (
      <span className="bad">
        ✗ The shop’s history was rewritten at or before seq {signing.rewritten.seq}:{' '}
        {REWRITE_REASONS[signing.rewritten.problem] ?? signing.rewritten.problem}
      </span>
    );
  if (signing.state === 'unsigned')
    return (
      <span className="muted">
        {status.lastSyncAt ? 'The shop does not sign its log: no checkpoints to check' : ''}
      </span>
    );
  const counted = `${number.format(signing.checkpoints)} signed ${signing.checkpoints === 1 ? 'checkpoint' : 'checkpoints'}`;
  const compared =
    status.scope === 'all'
      ? `${number.format(signing.compared)} matched to this copy`
      : 'signatures only (your copy holds only your events)';
  const verified = (
    <span className="good" title={`Keys: ${pinnedKeys(signing.keys)}`}>
      ✓ {counted} verified ({compared}) · key{' '}
      {signing.keys
        .filter((k) => k.pinned)
        .map((k) => k.fingerprint)
        .join(', ')}
    </span>
  );
  if (signing.state === 'verified') return verified;
  return (
    <>
      {signing.checkpoints > 0 && verified}
      <span className="warn">⚠ {signing.message}</span>
      {canTrust && signing.keys.filter((k) => !k.pinned).map((k) => <TrustKey key={k.keyId} keyStatus={k} />)}
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import type { Staff } from '../../../shared/api/auth';
import type { AssistSession, CustomerActiveSession } from '../../../shared/api/sessions';
import type { SessionMode } from '../../../shared/api/settings';
import { useBridge } from '../bridge/context';
import { useStaff } from '../auth/useAuth';
import { shopQueries } from '../state/queries';
import { formatDateTime, modeLabel } from '../ui/format';

/** One live session with the customer, as the warning lists it. */
export interface LiveLine {
  key: string;
  /** "You", or the colleague's name. */
  who: string;
  mine: boolean;
  startedAt: string;
  mode: SessionMode;
  /** Known only for sessions this staff member may read in full. */
  ticket: string | null;
}

/**
 * Every live session with the customer, oldest first: the ones this staff member may read (their
 * own, everyone's with sessions.read.all) with their ticket, and the shop's list of everyone's
 * (name, mode, start), so an agent also learns of a colleague's session.
 */
export function liveLines(
  readable: readonly AssistSession[],
  everyone: readonly CustomerActiveSession[],
  staff: Pick<Staff, 'id' | 'name'>,
): LiveLine[] {
  const lines: LiveLine[] = readable
    .filter((s) => s.status !== 'ended')
    .map((s) => ({
      key: s.id,
      who: s.staffId === staff.id ? 'You' : s.staffName,
      mine: s.staffId === staff.id,
      startedAt: s.startedAt,
      mode: s.mode,
      ticket: s.ticket,
    }));
  const known = new Set(readable.map((s) => `${s.staffName} ${s.startedAt}`));
  for (const s of everyone) {
    if (known.has(`${s.staffName} ${s.startedAt}`)) continue;
    const mine = s.staffName === staff.name;
    const key = `${s.staffName} ${s.startedAt}`;
    lines.push({ key, who: mine ? 'You' : s.staffName, mine, startedAt: s.startedAt, mode: s.mode, ticket: null });
  }
  return lines.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Warns before a second session with the same customer: who has one open, colleagues included, and since when. */
export function LiveSessionWarning({ customerId, customerName }: { customerId: string; customerName: string }) {
  const bridge = useBridge();
  const staff = useStaff();
  const readable = useQuery(shopQueries.liveWithCustomer(bridge, customerId));
  const everyone = useQuery(shopQueries.activeWithCustomer(bridge, customerId));
  const open = liveLines(readable.data?.items ?? [], everyone.data?.items ?? [], staff);
  if (open.length === 0) return null;
  const mine = open.every((s) => s.mine);
  return (
    <div className="info-note live-warning" role="status">
      <p>
        <strong>
          {customerName} already has {open.length === 1 ? 'an assisted session' : `${open.length} assisted sessions`}{' '}
          open:
        </strong>
      </p>
      <ul>
        {open.map((s) => (
          <li key={s.key}>
            {s.who}, since {formatDateTime(s.startedAt)} ({modeLabel(s.mode)}
            {s.ticket ? `, ticket ${s.ticket}` : ''})
          </li>
        ))}
      </ul>
      <p className="small">
        {mine
          ? 'End it first unless the customer needs a second one.'
          : 'Check with them before you start another: the customer would be assisted twice at once.'}
        {everyone.isError ? ' Colleagues’ sessions could not be checked just now.' : ''}
      </p>
    </div>
  );
}

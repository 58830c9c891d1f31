import { useQuery } from '@tanstack/react-query';
import { useBridge } from '../bridge/context';
import { useCan, useStaff } from '../auth/useAuth';
import { shopQueries } from '../state/queries';
import { formatDateTime, modeLabel } from '../ui/format';

/**
 * Warns before a second session with the same customer: who has one open and since when. The shop
 * lists everyone's sessions only to `sessions.read.all`; anyone else sees their own.
 */
export function LiveSessionWarning({ customerId, customerName }: { customerId: string; customerName: string }) {
  const bridge = useBridge();
  const staff = useStaff();
  const seesEveryone = useCan('sessions.read.all');
  const live = useQuery(shopQueries.liveWithCustomer(bridge, customerId));
  const open = (live.data?.items ?? []).filter((s) => s.status !== 'ended');
  if (open.length === 0) return null;
  const mine = open.every((s) => s.staffId === staff.id);
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
          <li key={s.id}>
            {s.staffId === staff.id ? 'You' : s.staffName}, since {formatDateTime(s.startedAt)} ({modeLabel(s.mode)}
            {s.ticket ? `, ticket ${s.ticket}` : ''})
          </li>
        ))}
      </ul>
      <p className="small">
        {mine
          ? 'End it first unless the customer needs a second one.'
          : 'Check with them before you start another: the customer would be assisted twice at once.'}
        {seesEveryone ? '' : ' Only your own sessions are listed here.'}
      </p>
    </div>
  );
}

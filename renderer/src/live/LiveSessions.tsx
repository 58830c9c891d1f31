import { useId, useState, type SyntheticEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssistSession } from '../../../shared/api/sessions';
import { ipcContract } from '../../../shared/ipc/contract';
import { useBridge, useIpcMutation } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { ErrorNote } from '../ui/ErrorNote';
import { QueryState } from '../ui/QueryState';
import { textLimits } from '../ui/schema-limits';
import { formatDuration, formatTime, modeLabel } from '../ui/format';
import { useNow } from '../ui/useNow';

const REFRESH_MS = 5000;
const TerminateNote = ipcContract['sessions.terminate'].args.shape.note;
const noteLimits = textLimits(TerminateNote);

/** Supervisors: who is assisting whom right now, and a way to stop it with a reason. */
export function LiveSessions() {
  const canRead = useCan('sessions.read.all');
  const canTerminate = useCan('sessions.terminate');
  const bridge = useBridge();
  const live = useQuery({
    ...shopQueries.sessions(bridge, { status: 'active' }),
    enabled: canRead,
    refetchInterval: REFRESH_MS,
  });
  const stores = useQuery(shopQueries.stores(bridge));
  const now = useNow(1000);
  const [terminating, setTerminating] = useState<string | null>(null);

  if (!canRead)
    return (
      <section className="page">
        <p className="info-note">Live sessions are for supervisors.</p>
      </section>
    );
  const storeName = (id: string) => stores.data?.find((s) => s.id === id)?.name ?? id;

  return (
    <section className="page" aria-labelledby="live-title" aria-busy={live.isFetching}>
      <div className="page-head">
        <h1 id="live-title">Live sessions</h1>
        <span className="muted small">Refreshes every {REFRESH_MS / 1000} seconds.</span>
      </div>
      <QueryState
        query={live}
        isEmpty={(data) => data.items.length === 0}
        empty={<p className="empty">Nobody is assisting a customer right now.</p>}
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Staff</th>
                <th scope="col">Customer</th>
                <th scope="col">Store</th>
                <th scope="col">Since</th>
                <th scope="col">Mode</th>
                <th scope="col">Reason</th>
                {canTerminate && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.items.map((session) => (
                <LiveRow
                  key={session.id}
                  session={session}
                  storeName={storeName(session.storeId)}
                  now={now}
                  canTerminate={canTerminate}
                  open={terminating === session.id}
                  onOpen={(o) => {
                    setTerminating(o ? session.id : null);
                  }}
                />
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

function LiveRow({
  session,
  storeName,
  now,
  canTerminate,
  open,
  onOpen,
}: {
  session: AssistSession;
  storeName: string;
  now: number;
  canTerminate: boolean;
  open: boolean;
  onOpen: (open: boolean) => void;
}) {
  const since = Math.max(0, Math.floor((now - Date.parse(session.startedAt)) / 1000));
  return (
    <>
      <tr>
        <td>{session.staffName}</td>
        <td>
          {session.customerName} <span className="muted small">{session.customerEmail}</span>
        </td>
        <td>{storeName}</td>
        <td>
          {formatTime(session.startedAt)} <span className="muted small">({formatDuration(since)})</span>
        </td>
        <td>{modeLabel(session.mode)}</td>
        <td className="wrap">
          {session.reason}
          {session.ticket && <span className="muted small"> · ticket {session.ticket}</span>}
        </td>
        {canTerminate && (
          <td className="actions">
            {!open && (
              <button
                type="button"
                className="danger small-button"
                onClick={() => {
                  onOpen(true);
                }}
                aria-label={`Terminate ${session.staffName}’s session with ${session.customerName}`}
              >
                Terminate
              </button>
            )}
          </td>
        )}
      </tr>
      {open && (
        <tr className="inline-form-row">
          <td colSpan={7}>
            <TerminateForm
              session={session}
              onDone={() => {
                onOpen(false);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function TerminateForm({ session, onDone }: { session: AssistSession; onDone: () => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const show = useUi((s) => s.show);
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  const terminate = useIpcMutation('sessions.terminate', {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: shopQueries.allSessions });
      onDone();
    },
  });
  const problem = TerminateNote.safeParse(note).success
    ? undefined
    : `Give a reason (at least ${noteLimits.min} characters); the agent sees it.`;
  const server = fieldMessages(terminate.error);

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    setTouched(true);
    if (!problem) terminate.mutate({ sessionId: session.id, note: note.trim() });
  }

  return (
    <form
      className="terminate-form"
      onSubmit={submit}
      noValidate
      aria-label={`Terminate session with ${session.customerName}`}
    >
      <label htmlFor={`${id}-note`}>Reason for terminating</label>
      <input
        id={`${id}-note`}
        autoFocus
        value={note}
        maxLength={noteLimits.max}
        onChange={(e) => {
          setNote(e.target.value);
        }}
        aria-invalid={touched && Boolean(problem)}
      />
      {touched && (problem ?? server.note) && <p className="field-error">{problem ?? server.note}</p>}
      <ErrorNote error={terminate.error} />
      <div className="row">
        <button type="submit" className="danger" disabled={terminate.isPending}>
          {terminate.isPending ? 'Terminating…' : 'Terminate session'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            show({ name: 'customer', customerId: session.customerId });
          }}
        >
          Open customer
        </button>
      </div>
    </form>
  );
}

import { useId, useState, type SyntheticEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { AssistSession } from '../../../shared/api/sessions';
import { ipcContract } from '../../../shared/ipc/contract';
import { useIpcMutation } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { refreshAfterChange } from '../state/refresh';
import { ErrorNote } from '../ui/ErrorNote';
import { textLimits } from '../ui/schema-limits';

const TerminateNote = ipcContract['sessions.terminate'].args.shape.note;
const noteLimits = textLimits(TerminateNote);

/** A supervisor ends someone's session; the reason is required, and the agent sees it with the supervisor's name. */
export function TerminateForm({ session, onDone }: { session: AssistSession; onDone: () => void }) {
  const id = useId();
  const queryClient = useQueryClient();
  const show = useUi((s) => s.show);
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  const terminate = useIpcMutation('sessions.terminate', {
    onSuccess: () => {
      void refreshAfterChange(queryClient, shopQueries.allSessions);
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

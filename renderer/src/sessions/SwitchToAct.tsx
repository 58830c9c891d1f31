import { useEffect, useId, useState, type SyntheticEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AssistPolicy } from '../../../shared/api/settings';
import type { OpenSession } from '../../../shared/ipc/contract';
import { useBridge, useIpcMutation } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { shopQueries } from '../state/queries';
import { BridgeError, plainMessage } from '../bridge/errors';
import { QueryState } from '../ui/QueryState';
import { useDialogFocus } from '../ui/useDialogFocus';
import { firstStepUpMethod, stepUpProblem, stepUpRequest, type StepUpValue } from './start-rules';
import { StepUpInput } from './StartFormFields';
import { useSetOpenSession } from './useOpenSessions';
import { coverViews } from './views-covered';

/**
 * "Switch to act" in a view session: the agent confirms who they are (the step-up a start asks
 * for), then the shop switches the session without ending it, checks the permission and consent,
 * and audits the change. Shown only to staff who may act, while the session is open in view mode.
 */
export function SwitchToAct({ open }: { open: OpenSession }) {
  const canAct = useCan('assist.act');
  const [asking, setAsking] = useState(false);
  if (!canAct || open.session.mode !== 'view' || open.state !== 'open') return null;
  return (
    <>
      <button
        type="button"
        data-testid="switch-to-act"
        title="Act for the customer (cart, checkout, addresses) without ending this session; asks you to confirm it is you"
        onClick={() => {
          setAsking(true);
        }}
      >
        Switch to act
      </button>
      {asking && (
        <SwitchToActDialog
          open={open}
          onClose={() => {
            setAsking(false);
          }}
        />
      )}
    </>
  );
}

function SwitchToActDialog({ open, onClose }: { open: OpenSession; onClose: () => void }) {
  const bridge = useBridge();
  const policy = useQuery(shopQueries.assistPolicy(bridge));
  const { ref, onKeyDown } = useDialogFocus(onClose);
  const titleId = useId();
  // Electron's storefront view sits above the console's HTML: it steps aside while this is open.
  useEffect(() => coverViews(), []);
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog" ref={ref}>
        <h2 id={titleId}>Switch to act</h2>
        <p>
          You will be able to shop for <strong>{open.session.customerName}</strong> (cart, checkout, addresses) in this
          session. The change is recorded in the audit log and shown to the customer.
        </p>
        <QueryState query={policy}>{(p) => <StepUpForm open={open} policy={p} onClose={onClose} />}</QueryState>
      </div>
    </div>
  );
}

function StepUpForm({ open, policy, onClose }: { open: OpenSession; policy: AssistPolicy; onClose: () => void }) {
  const id = useId();
  const setOpen = useSetOpenSession();
  const [stepUp, setStepUp] = useState<StepUpValue>({ method: firstStepUpMethod(policy), secret: '' });
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const switchMode = useIpcMutation('sessions.switchMode', {
    onSuccess: (updated) => {
      setOpen(updated);
      onClose();
    },
  });

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    const missing = stepUpProblem(stepUp);
    setProblem(missing);
    if (missing) return;
    switchMode.mutate({ sessionId: open.session.id, mode: 'act', stepUp: stepUpRequest(stepUp) });
  }

  return (
    <form onSubmit={submit} noValidate>
      <StepUpInput
        id={id}
        policy={policy}
        value={stepUp}
        problem={problem}
        onChange={(change) => {
          setStepUp((v) => ({ ...v, ...change }));
        }}
        autoFocus
      />
      {switchMode.error && (
        <p className="error-note" role="alert">
          The session is still view only. {refusalText(switchMode.error)}
        </p>
      )}
      <div className="row end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={switchMode.isPending}>
          {switchMode.isPending ? 'Switching…' : 'Switch to act'}
        </button>
      </div>
    </form>
  );
}

/** The shop's own words when it refused (consent, a wrong code, the permission): they say which it was. */
function refusalText(error: Error): string {
  return error instanceof BridgeError && error.kind === 'shop' ? error.message : plainMessage(error);
}

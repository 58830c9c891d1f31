import { useState, type SyntheticEvent } from 'react';
import type { AssistPolicy } from '../../../shared/api/settings';
import type { Customer } from '../../../shared/api/shop';
import { useIpcMutation } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import type { StartTarget } from '../state/ui-store';
import {
  consentRefusal,
  firstStepUpMethod,
  startProblems,
  startRequest,
  type LatestActivity,
  type StartDraft,
  type StartProblems,
} from './start-rules';
import { useSetOpenSession } from './useOpenSessions';

/**
 * The account to start in before the agent touches the choice. When the shop wants the agent to
 * choose, nothing is guessed for them, but a store they picked themselves (its own row button)
 * is their choice and stays selected.
 */
function preselectedAccount(
  policy: AssistPolicy,
  target: StartTarget,
  customer: Customer,
  latest: LatestActivity | null,
): string {
  const fromTarget = customer.accounts.find((a) => a.id === target.accountId);
  if (policy.storeSelection === 'manual') return target.storeChosen ? (fromTarget?.id ?? '') : '';
  return fromTarget?.id ?? latest?.accountId ?? customer.accounts[0]?.id ?? '';
}

interface StartFormInput {
  target: StartTarget;
  customer: Customer;
  policy: AssistPolicy;
  /** The customer's most recent activity: the automatic store choice follows it. */
  latest: LatestActivity | null;
  onClose: () => void;
}

/**
 * The start-session form's draft (first values from the shop's policy), its problems (shown once
 * the agent has tried to submit) and starting the session, which then opens in its tab.
 */
export function useStartForm({ target, customer, policy, latest, onClose }: StartFormInput) {
  const canAct = useCan('assist.act');
  const show = useUi((s) => s.show);
  const setOpen = useSetOpenSession();
  const [draft, setDraft] = useState<StartDraft>(() => ({
    accountId: preselectedAccount(policy, target, customer, latest),
    mode: policy.defaultMode === 'act' && canAct ? 'act' : 'view',
    reason: '',
    ticket: '',
    consentCode: '',
    method: firstStepUpMethod(policy),
    secret: '',
  }));
  const [touched, setTouched] = useState(false);
  // Once the shop has refused for consent the code field stays, even if the customer looked consenting.
  const [consentAsked, setConsentAsked] = useState(false);
  const start = useIpcMutation('sessions.start', {
    onError: (error) => {
      if (consentRefusal(error) !== undefined) setConsentAsked(true);
    },
    onSuccess: (open) => {
      setOpen(open);
      onClose();
      show({ name: 'session', sessionId: open.session.id });
    },
  });

  const needsConsentCode = consentAsked || (customer.consent.status !== 'granted' && policy.consentRequired);
  const refusedConsent = consentRefusal(start.error);
  const server: Record<string, string> = fieldMessages(start.error);
  if (refusedConsent !== undefined) server.consentCode = refusedConsent;
  const disabledByShop = !policy.assistanceEnabled;
  const landing =
    target.documentId && target.accountId ? { documentId: target.documentId, accountId: target.accountId } : undefined;
  const request = startRequest(draft, customer.id, needsConsentCode, landing);
  // Why the store was chosen for the agent, while it is still the one chosen.
  const autoChoice =
    policy.storeSelection === 'automatic' && !target.accountId && latest?.accountId === draft.accountId
      ? latest.why
      : null;
  const problems = startProblems(request, draft.method);

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean) || disabledByShop) return;
    start.mutate(request);
  }

  return {
    draft,
    patch: (p: Partial<StartDraft>) => {
      setDraft((d) => ({ ...d, ...p }));
    },
    canAct,
    needsConsentCode,
    disabledByShop,
    autoChoice,
    /** The storefront opens on the target document's page (the request carries it). */
    landsOnDocument: request.landingDocumentId !== undefined,
    /** This form's problem with a field, once the agent has tried to submit. */
    shown: (key: keyof StartProblems) => (touched ? problems[key] : undefined),
    /** The shop's or main's words for a field, keyed by its path in the request. */
    server,
    /** A refusal not shown at a field. */
    refusal: refusedConsent === undefined ? start.error : null,
    start,
    submit,
  };
}

export type StartFormState = ReturnType<typeof useStartForm>;

import { createContext, useContext, type ReactNode } from 'react';
import { PostForm, type Chrome } from '../layout';
import { decideAssistedAction, type ActionScope } from '../policy';

/**
 * Forms an assisted session may not send are drawn locked: every control disabled, a visible
 * hint and a title saying why, so the agent never clicks into a refusal. The shop still refuses
 * such a POST (policy.ts): this only shows what the policy will decide.
 */
export interface FormLock {
  reason: 'view_mode' | 'not_allowed_while_assisted';
  /** The short visible hint beside the button. */
  hint: string;
  /** The full explanation (title, for hover and assistive technology). */
  title: string;
}

/** Why this viewer may not send a form of `scope`; null when they may. */
export function formLock(chrome: Chrome, scope: ActionScope): FormLock | null {
  const { viewer } = chrome;
  if (viewer.kind !== 'assisted') return null;
  const decision = decideAssistedAction(viewer.session.mode, scope);
  if (decision.allowed) return null;
  return decision.reason === 'view_mode'
    ? {
        reason: 'view_mode',
        hint: 'view only',
        title: `View only: ${viewer.session.staffName} can look but not change anything. Switch the session to act in the console to do this.`,
      }
    : {
        reason: 'not_allowed_while_assisted',
        hint: 'customer only',
        title: 'Only the customer can do this, never during an assisted session.',
      };
}

const LockContext = createContext<FormLock | null>(null);

/** A POST form for an action of `scope`: locked (fieldset disabled) when the viewer may not send it. */
export function ActionForm({
  chrome,
  action,
  scope,
  className,
  children,
}: {
  chrome: Chrome;
  action: string;
  scope: ActionScope;
  className?: string;
  children: ReactNode;
}) {
  const lock = formLock(chrome, scope);
  return (
    <PostForm chrome={chrome} action={action} className={className}>
      <LockContext.Provider value={lock}>
        {lock ? (
          <fieldset className="locked" disabled title={lock.title} data-locked={lock.reason}>
            {children}
          </fieldset>
        ) : (
          children
        )}
      </LockContext.Provider>
    </PostForm>
  );
}

/** The submit button of an ActionForm: disabled with its hint while the form is locked. */
export function Submit({
  children,
  className,
  testId,
  disabled = false,
}: {
  children: ReactNode;
  className?: string;
  testId?: string;
  disabled?: boolean;
}) {
  const lock = useContext(LockContext);
  if (!lock)
    return (
      <button type="submit" className={className} data-testid={testId} disabled={disabled}>
        {children}
      </button>
    );
  return (
    <>
      <button type="submit" className={className} data-testid={testId} disabled aria-disabled="true" title={lock.title}>
        {children}
      </button>
      <span className="view-only-hint" data-testid="view-only-hint" title={lock.title}>
        {lock.hint}
      </span>
    </>
  );
}

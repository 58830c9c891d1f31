/** The session modes (the protocol's SessionMode); anything but `act` is treated as view only. */
export type SessionMode = 'view' | 'act';

/**
 * What an assisted session may do. Deny by default: `shopping` actions only in act mode;
 * `sensitive` ones (email, password, payment details) belong to the customer alone and are
 * refused in every mode, before the mode is even looked at (switching to act would not help).
 */
export type ActionKind = 'shopping' | 'sensitive';

export type Decision = { allowed: true } | { allowed: false; reason: 'view_only' | 'sensitive' };

export function decide(mode: SessionMode, kind: ActionKind): Decision {
  if (kind !== 'shopping') return { allowed: false, reason: 'sensitive' };
  if (mode !== 'act') return { allowed: false, reason: 'view_only' };
  return { allowed: true };
}

/** The refusal pages' words. */
export const REFUSAL_PAGES = {
  view_only: { title: 'View only', message: 'View only: this session cannot change anything. Nothing was changed.' },
  sensitive: {
    title: 'Only the customer can do this',
    message:
      'Email, password and payment details can only be changed by the customer, never during an assisted session. Nothing was changed.',
  },
} as const;

/** How a form the session may not send is drawn: locked, with a short hint and the reason on hover. */
export function lockOf(mode: SessionMode, kind: ActionKind): { hint: string; title: string } | null {
  const decision = decide(mode, kind);
  if (decision.allowed) return null;
  return decision.reason === 'view_only'
    ? {
        hint: 'view only',
        title: 'View only: this session cannot change anything. Switch the session to act in the console to do this.',
      }
    : { hint: 'customer only', title: 'Only the customer can do this, never during an assisted session.' };
}

import { z } from 'zod';

export const StepUpPolicy = z.enum(['totp', 'password', 'totp_or_password']);
export type StepUpPolicy = z.infer<typeof StepUpPolicy>;

export const SessionMode = z.enum(['view', 'act']);
export type SessionMode = z.infer<typeof SessionMode>;

/** Shop-wide assistance settings (`GET`/`PUT /settings`, `settings.manage`). */
export const Settings = z.object({
  assistanceEnabled: z.boolean(),
  consentRequired: z.boolean(),
  storeSelection: z.enum(['automatic', 'manual']),
  stepUpPolicy: StepUpPolicy,
  idleTimeoutSeconds: z.number().int().min(60).max(3600),
  maxSessionSeconds: z.number().int().min(300).max(8 * 3600),
  defaultMode: SessionMode,
  notifyCustomer: z.boolean(),
}).strict().refine((s) => s.idleTimeoutSeconds <= s.maxSessionSeconds, {
  message: 'idle timeout cannot be longer than the maximum session length',
  path: ['idleTimeoutSeconds'],
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  assistanceEnabled: true,
  consentRequired: true,
  storeSelection: 'automatic',
  stepUpPolicy: 'totp',
  idleTimeoutSeconds: 10 * 60,
  maxSessionSeconds: 30 * 60,
  defaultMode: 'view',
  notifyCustomer: true,
};

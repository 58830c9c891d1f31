import { z } from 'zod';

export const StepUpPolicy = z.enum(['totp', 'password', 'totp_or_password']);
export type StepUpPolicy = z.infer<typeof StepUpPolicy>;

export const SessionMode = z.enum(['view', 'act']);
export type SessionMode = z.infer<typeof SessionMode>;

/**
 * The settings' fields. `Settings` makes them strict and adds the cross-field rule; `AssistPolicy`
 * picks from them (a refined schema has no `.pick`), and drops the keys it does not pick.
 */
const SettingsFields = z.object({
  assistanceEnabled: z.boolean(),
  consentRequired: z.boolean(),
  storeSelection: z.enum(['automatic', 'manual']),
  stepUpPolicy: StepUpPolicy,
  idleTimeoutSeconds: z.number().int().min(60).max(3600),
  maxSessionSeconds: z
    .number()
    .int()
    .min(300)
    .max(8 * 3600),
  defaultMode: SessionMode,
  notifyCustomer: z.boolean(),
});

/** Shop-wide assistance settings (`GET`/`PUT /settings`, `settings.manage`). */
export const Settings = SettingsFields.strict().refine((s) => s.idleTimeoutSeconds <= s.maxSessionSeconds, {
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

/**
 * What a staff member starting a session must know of the settings (`GET /assist-policy`, any
 * signed-in staff): the settings minus what only admins act on.
 */
export const AssistPolicy = SettingsFields.pick({
  assistanceEnabled: true,
  consentRequired: true,
  storeSelection: true,
  stepUpPolicy: true,
  defaultMode: true,
  idleTimeoutSeconds: true,
  maxSessionSeconds: true,
});
export type AssistPolicy = z.infer<typeof AssistPolicy>;

import type { z } from 'zod';
import { Settings } from '../../../shared/api/settings';
import { numberRange } from '../ui/schema-limits';

/** The settings form keeps durations in minutes, the unit people think in. */
export interface SettingsDraft {
  assistanceEnabled: boolean;
  consentRequired: boolean;
  storeSelection: 'automatic' | 'manual';
  stepUpPolicy: 'totp' | 'password' | 'totp_or_password';
  idleMinutes: string;
  maxMinutes: string;
  defaultMode: 'view' | 'act';
  notifyCustomer: boolean;
}

export function toDraft(s: Settings): SettingsDraft {
  return {
    assistanceEnabled: s.assistanceEnabled,
    consentRequired: s.consentRequired,
    storeSelection: s.storeSelection,
    stepUpPolicy: s.stepUpPolicy,
    idleMinutes: String(s.idleTimeoutSeconds / 60),
    maxMinutes: String(s.maxSessionSeconds / 60),
    defaultMode: s.defaultMode,
    notifyCustomer: s.notifyCustomer,
  };
}

export type DraftProblems = Partial<Record<'idleMinutes' | 'maxMinutes' | 'form', string>>;

const { idleTimeoutSeconds: IdleRule, maxSessionSeconds: MaxRule } = Settings.shape;

/** The range of a duration the schema holds in seconds, in the form's minutes. */
function minutesRange(rule: z.ZodNumber): { min: number; max: number } {
  const { min, max } = numberRange(rule);
  return { min: min / 60, max: max / 60 };
}

const idleRange = minutesRange(IdleRule);
const maxRange = minutesRange(MaxRule);
const MESSAGES = {
  idle: `Enter between ${idleRange.min} and ${idleRange.max} minutes.`,
  max: `Enter between ${maxRange.min} and ${maxRange.max} minutes (${maxRange.max / 60} hours).`,
  idleOverMax: 'The idle timeout cannot be longer than the maximum session length.',
};

/** Seconds from the minutes typed: a plain decimal number only (no sign, exponent or unit), else NaN. */
function seconds(minutesText: string): number {
  const text = minutesText.trim();
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) * 60 : Number.NaN;
}

/**
 * The shared schema decides: each duration against its own range first (a message per field),
 * then the whole settings, whose one cross-field rule (idle ≤ maximum) is reported on the idle field.
 */
export function validateDraft(
  draft: SettingsDraft,
): { settings: Settings; problems: null } | { settings: null; problems: DraftProblems } {
  const candidate = {
    assistanceEnabled: draft.assistanceEnabled,
    consentRequired: draft.consentRequired,
    storeSelection: draft.storeSelection,
    stepUpPolicy: draft.stepUpPolicy,
    idleTimeoutSeconds: seconds(draft.idleMinutes),
    maxSessionSeconds: seconds(draft.maxMinutes),
    defaultMode: draft.defaultMode,
    notifyCustomer: draft.notifyCustomer,
  };
  const problems: DraftProblems = {};
  if (!IdleRule.safeParse(candidate.idleTimeoutSeconds).success) problems.idleMinutes = MESSAGES.idle;
  if (!MaxRule.safeParse(candidate.maxSessionSeconds).success) problems.maxMinutes = MESSAGES.max;
  if (Object.keys(problems).length > 0) return { settings: null, problems };
  const parsed = Settings.safeParse(candidate);
  if (parsed.success) return { settings: parsed.data, problems: null };
  const { issues } = parsed.error;
  if (issues.some((i) => i.path[0] === 'idleTimeoutSeconds'))
    return { settings: null, problems: { idleMinutes: MESSAGES.idleOverMax } };
  return { settings: null, problems: { form: issues.map((i) => i.message).join('; ') } };
}

import { Settings } from '../../../shared/api/settings';

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

function minutes(text: string): number | null {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return null;
  return Number(text.trim());
}

/** Plain-word checks for the form, then the shared schema as the last word. */
export function validateDraft(
  draft: SettingsDraft,
): { settings: Settings; problems: null } | { settings: null; problems: DraftProblems } {
  const problems: DraftProblems = {};
  const idle = minutes(draft.idleMinutes);
  const max = minutes(draft.maxMinutes);
  if (idle === null || idle < 1 || idle > 60 || !Number.isInteger(idle * 60))
    problems.idleMinutes = 'Enter between 1 and 60 minutes.';
  if (max === null || max < 5 || max > 480 || !Number.isInteger(max * 60))
    problems.maxMinutes = 'Enter between 5 and 480 minutes (8 hours).';
  if (idle !== null && max !== null && !problems.idleMinutes && !problems.maxMinutes && idle > max) {
    problems.idleMinutes = 'The idle timeout cannot be longer than the maximum session length.';
  }
  if (idle === null || max === null || Object.keys(problems).length > 0) return { settings: null, problems };
  const parsed = Settings.safeParse({
    assistanceEnabled: draft.assistanceEnabled,
    consentRequired: draft.consentRequired,
    storeSelection: draft.storeSelection,
    stepUpPolicy: draft.stepUpPolicy,
    idleTimeoutSeconds: Math.round(idle * 60),
    maxSessionSeconds: Math.round(max * 60),
    defaultMode: draft.defaultMode,
    notifyCustomer: draft.notifyCustomer,
  });
  if (!parsed.success)
    return { settings: null, problems: { form: parsed.error.issues.map((i) => i.message).join('; ') } };
  return { settings: parsed.data, problems: null };
}

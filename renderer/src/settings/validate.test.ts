import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/api/settings';
import { toDraft, validateDraft } from './validate';

const draft = toDraft(DEFAULT_SETTINGS);
const check = (idleMinutes: string, maxMinutes: string) => validateDraft({ ...draft, idleMinutes, maxMinutes });

const IDLE_RANGE = 'Enter between 1 and 60 minutes.';
const MAX_RANGE = 'Enter between 5 and 480 minutes (8 hours).';

describe('settings draft validation', () => {
  it('turns valid minutes into the shop’s seconds', () => {
    expect(check(' 15 ', '480')).toEqual({
      settings: { ...DEFAULT_SETTINGS, idleTimeoutSeconds: 900, maxSessionSeconds: 28_800 },
      problems: null,
    });
    expect(check('2.5', '30').settings?.idleTimeoutSeconds).toBe(150);
  });

  it('names the shared schema’s range for a duration outside it, not a whole number of seconds, or not a number', () => {
    for (const idle of ['0.5', '61', '1.01', '1e1', '-5', 'soon', ''])
      expect(check(idle, '30'), idle).toEqual({ settings: null, problems: { idleMinutes: IDLE_RANGE } });
    for (const max of ['4', '481', 'soon'])
      expect(check('10', max), max).toEqual({ settings: null, problems: { maxMinutes: MAX_RANGE } });
    expect(check('0', '0').problems).toEqual({ idleMinutes: IDLE_RANGE, maxMinutes: MAX_RANGE });
  });

  it('reports an idle timeout longer than the maximum on the idle field, only when both are in range', () => {
    expect(check('45', '30')).toEqual({
      settings: null,
      problems: { idleMinutes: 'The idle timeout cannot be longer than the maximum session length.' },
    });
    expect(check('45', '3').problems).toEqual({ maxMinutes: MAX_RANGE });
    expect(check('30', '30').problems).toBeNull();
  });
});

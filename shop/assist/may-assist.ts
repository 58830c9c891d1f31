import type { Permission } from '../../shared/api/auth';
import type { ErrorCode } from '../../shared/api/common';
import type { SessionMode, Settings } from '../../shared/api/settings';
import { consumeStepUpToken } from '../auth/step-up';
import type { Principal } from '../auth/tokens';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import { readSettings } from '../settings/settings';

/** Builds the caller's own error for a failed check: a start records it, a switch answers with it. */
export type Refuse = (status: number, code: ErrorCode, message: string) => Error;

const MODE_PERMISSION: Readonly<Record<SessionMode, Permission>> = { view: 'assist.view', act: 'assist.act' };

/**
 * What taking a session into `mode` checks, for a start and a switch to act alike, in this order:
 * assistance enabled, the mode's permission, the caller's `beforeStepUp` checks, then a step-up
 * token of this sign-in (spent; a check that fails before it spends none). Returns the settings.
 */
export async function checkMayAssist(
  tx: Queryable,
  ctx: ShopContext,
  principal: Principal,
  check: {
    mode: SessionMode;
    stepUpToken: string | undefined;
    refuse: Refuse;
    beforeStepUp?: (settings: Settings) => Promise<void>;
  },
): Promise<Settings> {
  const { staff, familyId } = principal;
  const { mode, refuse } = check;
  const settings = await readSettings(tx);
  if (!settings.assistanceEnabled)
    throw refuse(409, 'assistance_disabled', 'Assisted sessions are turned off in the settings.');
  const needed = MODE_PERMISSION[mode];
  if (!staff.permissions.includes(needed))
    throw refuse(403, 'permission_denied', `A ${mode} session needs the ${needed} permission.`);
  await check.beforeStepUp?.(settings);
  if (!(await consumeStepUpToken(tx, ctx, { staffId: staff.id, familyId }, check.stepUpToken)))
    throw refuse(
      401,
      'step_up_required',
      'Confirm it is you (step-up) before each session; the step-up token is missing, used, expired or from another sign-in.',
    );
  return settings;
}

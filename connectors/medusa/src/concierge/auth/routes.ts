import {
  LoginRequest,
  LogoutRequest,
  MfaRequest,
  RefreshRequest,
  StepUpRequest,
  type Staff,
  type TokenResponse,
} from '../../protocol/protocol';
import { appendAudit, staffActor } from '../audit/append';
import type { Deps } from '../deps';
import type { Sql } from '../db';
import { ApiError } from '../errors';
import { route, type Origin } from '../router';
import { endSessionsOfSignIn } from '../sessions/end';
import { loadSettings } from '../settings';
import { findStaff, findStaffByEmail } from '../staff';
import { answerChallenge, checkPassword, newChallenge, spendTotpCode } from './medusa-auth';
import { claimToken, findToken, issueToken, newId, revokeSignIn, revokeStaff } from './tokens';

const badCredentials = () => new ApiError(401, 'invalid_credentials', 'The email or password is wrong.');
const badCode = () => new ApiError(401, 'invalid_mfa_code', 'The code is wrong, expired or already used.');

async function issuePair(tx: Sql, now: Date, staff: Staff, signInId: string): Promise<TokenResponse> {
  const access = await issueToken(tx, now, 'access', staff.id, signInId);
  const refresh = await issueToken(tx, now, 'refresh', staff.id, signInId);
  return {
    accessToken: access.token,
    refreshToken: refresh.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    staff,
  };
}

function audit(
  deps: Deps,
  origin: Origin,
  action: Parameters<typeof appendAudit>[2]['action'],
  actor: Staff | null,
  details: Record<string, unknown> = {},
) {
  return deps.db.transaction((tx) =>
    appendAudit(tx, deps.now(), {
      action,
      actor: actor ? staffActor(actor) : { type: 'system', id: null, name: null },
      ip: origin.ip,
      userAgent: origin.userAgent,
      details,
    }),
  );
}

const login = route({
  method: 'POST',
  path: '/auth/login',
  access: 'public',
  body: LoginRequest,
  async handle({ deps, body, origin }) {
    const checked = await checkPassword(deps.auth, body.email, body.password);
    const staff = checked.ok ? await findStaff(deps.users, checked.userId) : null;
    if (!checked.ok || !staff) {
      await audit(deps, origin, 'staff.sign_in_failed', await findStaffByEmail(deps.users, body.email), {
        reason: 'credentials',
      });
      throw badCredentials();
    }
    if (!checked.challengeId)
      throw new ApiError(
        403,
        'permission_denied',
        'Enrol an authenticator (TOTP) in Medusa before signing in to Concierge.',
      );
    const challengeId = checked.challengeId;
    const mfa = await deps.db.transaction((tx) => issueToken(tx, deps.now(), 'mfa', staff.id, challengeId));
    return { body: { mfaRequired: true, mfaToken: mfa.token } };
  },
});

const mfa = route({
  method: 'POST',
  path: '/auth/mfa',
  access: 'public',
  body: MfaRequest,
  async handle({ deps, body, origin }) {
    const now = deps.now();
    const row = await findToken(deps.db, 'mfa', body.mfaToken);
    if (!row || row.used_at || row.expires_at <= now) throw badCode();
    const staff = await findStaff(deps.users, row.staff_id);
    if (!staff) throw badCode();
    const fresh = await spendTotpCode(deps.db, staff.id, body.code, now);
    if (!fresh || !(await answerChallenge(deps.auth, row.sign_in_id, body.code))) {
      await audit(deps, origin, 'staff.mfa_failed', staff);
      throw badCode();
    }
    const tokens = await deps.db.transaction(async (tx) => {
      if (!(await claimToken(tx, row.id, now))) throw badCode();
      const pair = await issuePair(tx, now, staff, newId('signin'));
      await appendAudit(tx, now, {
        action: 'staff.sign_in',
        actor: staffActor(staff),
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { role: staff.role },
      });
      return pair;
    });
    return { body: tokens };
  },
});

const refresh = route({
  method: 'POST',
  path: '/auth/refresh',
  access: 'public',
  body: RefreshRequest,
  async handle({ deps, body, origin }) {
    const now = deps.now();
    const invalid = new ApiError(401, 'invalid_refresh_token', 'Sign in again.');
    const answer = await deps.db.transaction(async (tx) => {
      const row = await findToken(tx, 'refresh', body.refreshToken);
      if (!row) return null;
      const staff = await findStaff(deps.users, row.staff_id);
      if (row.used_at) {
        // A used refresh token presented again: someone else may hold this sign-in. End it.
        await revokeSignIn(tx, row.sign_in_id, now);
        if (staff)
          await appendAudit(tx, now, {
            action: 'staff.token_reuse',
            actor: staffActor(staff),
            ip: origin.ip,
            userAgent: origin.userAgent,
          });
        return 'reused' as const;
      }
      if (!staff || !(await claimToken(tx, row.id, now))) return null;
      return issuePair(tx, now, staff, row.sign_in_id);
    });
    if (answer === null || answer === 'reused') throw invalid;
    return { body: answer };
  },
});

const logout = route({
  method: 'POST',
  path: '/auth/logout',
  access: 'signed_in',
  body: LogoutRequest,
  async handle({ deps, body, staff, origin }) {
    const now = deps.now();
    await deps.db.transaction(async (tx) => {
      await endSessionsOfSignIn(tx, now, staff, body.everywhere === true);
      if (body.everywhere === true) await revokeStaff(tx, staff.id, now);
      else await revokeSignIn(tx, staff.signInId, now);
      await appendAudit(tx, now, {
        action: 'staff.sign_out',
        actor: staffActor(staff),
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { everywhere: body.everywhere === true },
      });
    });
    return { status: 204 };
  },
});

const stepUp = route({
  method: 'POST',
  path: '/auth/step-up',
  access: 'signed_in',
  body: StepUpRequest,
  async handle({ deps, body, staff, origin }) {
    const now = deps.now();
    const policy = (await loadSettings(deps.db)).stepUpPolicy;
    const code = 'code' in body ? body.code : null;
    const method = code === null ? 'password' : 'totp';
    const refuse = async (message: string) => {
      await audit(deps, origin, 'staff.step_up_failed', staff, { method });
      return new ApiError(401, 'invalid_step_up', message);
    };
    if (code !== null) {
      if (policy === 'password') throw await refuse('The shop asks for your password to step up.');
      const challenge = await newChallenge(deps.auth, staff.email);
      const fresh = await spendTotpCode(deps.db, staff.id, code, now);
      if (!challenge || !fresh || !(await answerChallenge(deps.auth, challenge, code)))
        throw await refuse('The code is wrong, expired or already used.');
    } else if ('password' in body) {
      if (policy === 'totp') throw await refuse('The shop asks for an authenticator code to step up.');
      const checked = await checkPassword(deps.auth, staff.email, body.password);
      if (!checked.ok || checked.userId !== staff.id) throw await refuse('The password is wrong.');
    }
    const token = await deps.db.transaction(async (tx) => {
      const issued = await issueToken(tx, now, 'step_up', staff.id, staff.signInId);
      await appendAudit(tx, now, {
        action: 'staff.step_up',
        actor: staffActor(staff),
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { method },
      });
      return issued;
    });
    return { body: { stepUpToken: token.token, expiresAt: token.expiresAt.toISOString() } };
  },
});

const me = route({
  method: 'GET',
  path: '/me',
  access: 'signed_in',
  async handle({ staff }) {
    const { signInId: _signIn, ...visible } = staff;
    return { body: visible };
  },
});

export const authRoutes = [login, mfa, refresh, logout, stepUp, me];

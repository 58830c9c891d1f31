import type { Staff } from '../../../shared/api/auth';
import type { ApiClient } from '../api/api-client';

/**
 * Where the agent's sign-in stands, shared by the auth service's pieces: signed out, waiting
 * for the TOTP code (the MFA challenge token stays here in main), or signed in with its tokens.
 */

export type AuthPhase =
  | { kind: 'signed_out' }
  | { kind: 'mfa_required'; email: string; mfaToken: string; client: ApiClient }
  | {
      kind: 'signed_in';
      email: string;
      staff: Staff;
      accessToken: string;
      refreshToken: string;
      expiresAt: number;
      restored: boolean;
      client: ApiClient;
    };

/** The one mutable record of the sign-in: its phase and the shop (origin) it is for. */
export interface AuthCurrent {
  phase: AuthPhase;
  shopUrl: string;
  /** The shop origins sign-in may send a password to. */
  readonly shops: readonly string[];
}

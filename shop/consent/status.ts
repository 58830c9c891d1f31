import type { Consent } from '../../shared/api/shop';

export interface ConsentRow {
  granted: boolean;
  granted_at: Date | null;
  expires_at: Date | null;
}

/**
 * A customer's standing consent as of `now`. Expiry is decided here, at the moment of use, not
 * by a job that may not have run yet.
 */
export function consentAt(row: ConsentRow | null | undefined, now: Date): Consent {
  if (!row?.granted_at) return { status: 'not_granted', grantedAt: null, expiresAt: null };
  const grantedAt = row.granted_at.toISOString();
  const expiresAt = row.expires_at ? row.expires_at.toISOString() : null;
  if (!row.granted) return { status: 'not_granted', grantedAt, expiresAt };
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return { status: 'expired', grantedAt, expiresAt };
  return { status: 'granted', grantedAt, expiresAt };
}

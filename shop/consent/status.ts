import type { Consent, ConsentStatus } from '../../shared/api/shop';
import { isoTimeSql } from '../db/text-sql';

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

/** SQL expressions for a customer's consent columns (NULL throughout when it has no consent row). */
export interface ConsentColumnsSql {
  granted: string;
  grantedAt: string;
  expiresAt: string;
}

/**
 * consentAt's status in SQL, as of the timestamptz `at`: for statements that filter or list many
 * customers by consent. status.test.ts checks both give the same answer, case by case.
 */
export function consentStatusSql(c: ConsentColumnsSql, at: string): string {
  return `(CASE WHEN ${c.grantedAt} IS NULL OR ${c.granted} IS NOT TRUE THEN 'not_granted'
    WHEN ${c.expiresAt} <= ${at} THEN 'expired' ELSE 'granted' END)`;
}

/** What consentTextSql selects. */
export interface ConsentTextRow {
  consent_status: ConsentStatus;
  consent_granted_at: string | null;
  consent_expires_at: string | null;
}

/** consentAt as select-list columns (ConsentTextRow), times already in the API's ISO form. */
export function consentTextSql(c: ConsentColumnsSql, at: string): string {
  return `${consentStatusSql(c, at)} AS consent_status, ${isoTimeSql(c.grantedAt)} AS consent_granted_at,
    CASE WHEN ${c.grantedAt} IS NULL THEN NULL ELSE ${isoTimeSql(c.expiresAt)} END AS consent_expires_at`;
}

export const consentFromText = (row: ConsentTextRow): Consent => ({
  status: row.consent_status,
  grantedAt: row.consent_granted_at,
  expiresAt: row.consent_expires_at,
});

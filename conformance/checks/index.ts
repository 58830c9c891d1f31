import type { Check } from '../suite';
import { auditChecks } from './audit';
import { authChecks } from './auth';
import { customerChecks } from './customers';
import { permissionChecks } from './permissions';
import { agentEndCheck, heartbeatCheck, sessionStartChecks, terminateChecks } from './sessions';
import { afterEndCheck, cookieCheck, redeemCheck } from './storefront';

/**
 * Every check, in the order they run: later ones use what earlier ones found (the customers, the
 * session started, the audit events read), so a check whose predecessor failed fails saying so.
 */
export const CHECKS: readonly Check[] = [
  ...authChecks,
  ...permissionChecks,
  ...customerChecks,
  ...sessionStartChecks,
  redeemCheck,
  cookieCheck,
  heartbeatCheck,
  agentEndCheck,
  afterEndCheck,
  ...terminateChecks,
  ...auditChecks,
];

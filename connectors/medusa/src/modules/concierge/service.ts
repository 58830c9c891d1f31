import { MedusaService } from '@medusajs/framework/utils';
import { AssistSession, AuditEvent, HandoffCode, Setting, StaffToken, TotpUse } from './models/records';

/** Medusa's generated reads for the plugin's records (Query, admin tooling); the routes write with SQL. */
export default class ConciergeModuleService extends MedusaService({
  AssistSession,
  AuditEvent,
  HandoffCode,
  Setting,
  StaffToken,
  TotpUse,
}) {}

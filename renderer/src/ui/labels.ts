import type { EndReason } from '../../../shared/api/sessions';
import type { DocumentType } from '../../../shared/api/shop';

const END_REASONS: Readonly<Record<EndReason, string>> = {
  ended_by_agent: 'ended by the agent',
  terminated_by_supervisor: 'ended by a supervisor',
  idle_timeout: 'ended after being idle too long',
  max_length: 'reached its maximum length',
  sign_out: 'ended when the agent signed out',
  app_exit: 'ended when the console closed',
  ended_by_customer: 'ended by the customer',
  access_revoked: 'ended because the agent’s access was withdrawn',
  console_lost: 'ended when the agent’s console stopped answering',
};

export function endReasonText(reason: EndReason | null): string {
  return reason ? END_REASONS[reason] : 'ended';
}

const DOC_LABELS: Readonly<Record<DocumentType, { one: string; many: string }>> = {
  order: { one: 'order', many: 'Orders' },
  invoice: { one: 'invoice', many: 'Invoices' },
  shipment: { one: 'shipment', many: 'Shipments' },
  credit_memo: { one: 'credit memo', many: 'Credit memos' },
};

export function documentLabel(type: DocumentType): { one: string; many: string } {
  return DOC_LABELS[type];
}

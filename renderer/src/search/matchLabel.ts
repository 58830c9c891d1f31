import type { MatchField } from '../../../shared/api/shop';

const LABELS: Readonly<Record<MatchField, string>> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  number: 'customer number',
  order: 'order',
  invoice: 'invoice',
  shipment: 'shipment',
  credit_memo: 'credit memo',
};

export function matchLabel(field: MatchField): string {
  return LABELS[field];
}

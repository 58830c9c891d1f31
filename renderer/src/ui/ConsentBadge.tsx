import type { Consent } from '../../../shared/api/shop';
import { formatDate } from './format';

export function consentText(consent: Consent): string {
  switch (consent.status) {
    case 'granted':
      return consent.expiresAt ? `Consent until ${formatDate(consent.expiresAt)}` : 'Consent until turned off';
    case 'expired':
      return consent.expiresAt ? `Consent expired ${formatDate(consent.expiresAt)}` : 'Consent expired';
    case 'not_granted':
      return 'No consent';
  }
}

export function ConsentBadge({ consent }: { consent: Consent }) {
  return <span className={`badge consent-${consent.status}`}>{consentText(consent)}</span>;
}

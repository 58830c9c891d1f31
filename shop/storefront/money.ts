/** Formats integer cents in the store's currency and locale (`$19.99`, `19,99 €`). */
export function formatMoney(cents: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

export function formatDateTime(at: Date | string, locale: string): string {
  return (
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(at)) +
    ' UTC'
  );
}

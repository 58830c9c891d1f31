import type { Address } from '../data/addresses';

/** What an address block prints: a saved address, or the one a document carries (which may name a region). */
export type PostalAddress = Pick<
  Address,
  'fullName' | 'line1' | 'line2' | 'city' | 'postalCode' | 'country' | 'phone'
> & {
  region?: string | null;
};

// Countries that write the postal code after the town (and region); the rest of Europe writes it first.
const CODE_AFTER_TOWN: ReadonlySet<string> = new Set(['US', 'CA', 'AU', 'GB', 'IE']);

/** The town line as the address's country writes it: `Boston, MA 02108`, `Dublin D02 X285`, `10115 Berlin`. */
export function townLine(address: Pick<PostalAddress, 'city' | 'postalCode' | 'country' | 'region'>): string {
  const town = address.region ? `${address.city}, ${address.region}` : address.city;
  const parts = CODE_AFTER_TOWN.has(address.country.toUpperCase())
    ? [town, address.postalCode]
    : [address.postalCode, town];
  return parts.filter(Boolean).join(' ');
}

export function AddressBlock({ address, inline }: { address: PostalAddress; inline?: boolean }) {
  const parts = [
    address.fullName,
    address.line1,
    address.line2,
    townLine(address),
    address.country,
    address.phone,
  ].filter((p): p is string => Boolean(p));
  return inline ? (
    <span>{parts.join(', ')}</span>
  ) : (
    <address>
      {parts.map((p, i) => (
        <div key={i}>{p}</div>
      ))}
    </address>
  );
}

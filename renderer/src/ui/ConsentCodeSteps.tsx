/**
 * How a customer gets a one-time consent code, in the storefront's own words
 * (shop/storefront/layout.tsx and pages/account.tsx, pages/assistance.tsx), so the agent can read them out.
 */
export function ConsentCodeSteps({ customerName }: { customerName: string }) {
  const firstName = customerName.trim().split(/\s+/)[0] ?? customerName;
  return (
    <>
      Ask them to sign in to the store, open <strong>{firstName}’s account</strong> at the top of the page, then{' '}
      <strong>Assistance</strong>, press <strong>Get a one-time code</strong> and read you the one-time code it shows (6
      digits; it can be used once).
    </>
  );
}

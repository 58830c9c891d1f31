import type { ReactNode } from 'react';
import { href, type Chrome } from '../layout';
import type { Address } from '../data/addresses';
import type { Notification } from '../data/notifications';
import type { PaymentMethod } from '../data/payment-methods';
import { LocalTime } from '../local-time';
import type { CustomerRow } from '../viewer';
import { ActionForm, Submit } from './action-form';
import { Notice, RemoveButton } from './common';
import { AddressBlock } from './address';

/** The account's sections; `customerOnly` ones (routes/account.tsx: scope customer_only) an assisted session cannot open. */
const SECTIONS: [path: string, label: string, customerOnly: boolean][] = [
  ['/account', 'Profile', false],
  ['/account/addresses', 'Addresses', false],
  ['/account/orders', 'Orders', false],
  ['/account/notifications', 'Notifications', false],
  ['/account/security', 'Password and email', true],
  ['/account/payment-methods', 'Payment methods', true],
  ['/account/assistance', 'Assistance', true],
  ['/account/delete', 'Delete account', true],
];

const CUSTOMER_ONLY_TITLE = 'Only the customer can open this, never during an assisted session.';

/** The account area's frame: section links beside the section's content. */
export function AccountFrame({
  chrome,
  title,
  notice,
  children,
}: {
  chrome: Chrome;
  title: string;
  notice?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="layout">
      <nav className="side card" aria-label="Account sections">
        {SECTIONS.map(([path, label, customerOnly]) =>
          customerOnly && chrome.viewer.kind === 'assisted' ? (
            <span key={path} className="locked-link" aria-disabled="true" title={CUSTOMER_ONLY_TITLE}>
              {label} <span className="view-only-hint">customer only</span>
            </span>
          ) : (
            <a
              key={path}
              href={href(chrome.store, path)}
              aria-current={chrome.path === href(chrome.store, path) ? 'page' : undefined}
            >
              {label}
            </a>
          ),
        )}
      </nav>
      <section>
        <Notice notice={notice} />
        <h1>{title}</h1>
        {children}
      </section>
    </div>
  );
}

export function ProfileSection({ chrome, customer }: { chrome: Chrome; customer: CustomerRow }) {
  return (
    <>
      <p>
        Customer number {customer.number} · {customer.email}
      </p>
      <ActionForm chrome={chrome} action="/account/profile" scope="customer_only" className="form">
        <div className="row">
          <div>
            <label htmlFor="firstName">First name</label>
            <input
              id="firstName"
              type="text"
              name="firstName"
              defaultValue={customer.firstName}
              required
              maxLength={100}
            />
          </div>
          <div>
            <label htmlFor="lastName">Last name</label>
            <input
              id="lastName"
              type="text"
              name="lastName"
              defaultValue={customer.lastName}
              required
              maxLength={100}
            />
          </div>
        </div>
        <label htmlFor="phone">Phone</label>
        <input id="phone" type="tel" name="phone" defaultValue={customer.phone ?? ''} maxLength={40} />
        <p>
          <Submit>Save profile</Submit>
        </p>
      </ActionForm>
    </>
  );
}

export function AddressesSection({
  chrome,
  addresses,
  fromCheckout,
}: {
  chrome: Chrome;
  addresses: Address[];
  fromCheckout: boolean;
}) {
  return (
    <>
      {addresses.length === 0 ? (
        <p className="muted">No saved addresses.</p>
      ) : (
        <div className="grid">
          {addresses.map((a) => (
            <div className="card" key={a.id} data-testid="address-card">
              <AddressBlock address={a} />
              <RemoveButton
                chrome={chrome}
                action="/account/addresses/remove"
                scope="shopping"
                name="addressId"
                value={a.id}
              />
            </div>
          ))}
        </div>
      )}
      <h2>Add an address</h2>
      <ActionForm chrome={chrome} action="/account/addresses" scope="shopping" className="form">
        {fromCheckout ? <input type="hidden" name="returnTo" value="checkout" /> : null}
        <label htmlFor="fullName">Full name</label>
        <input id="fullName" type="text" name="fullName" required maxLength={120} />
        <label htmlFor="line1">Address line 1</label>
        <input id="line1" type="text" name="line1" required maxLength={200} />
        <label htmlFor="line2">Address line 2</label>
        <input id="line2" type="text" name="line2" maxLength={200} />
        <div className="row">
          <div>
            <label htmlFor="postalCode">Postal code</label>
            <input id="postalCode" type="text" name="postalCode" required maxLength={20} />
          </div>
          <div>
            <label htmlFor="city">City</label>
            <input id="city" type="text" name="city" required maxLength={100} />
          </div>
          <div>
            <label htmlFor="country">Country (2 letters)</label>
            <input id="country" type="text" name="country" required minLength={2} maxLength={2} />
          </div>
        </div>
        <label htmlFor="phone">Phone</label>
        <input id="phone" type="tel" name="phone" maxLength={40} />
        <p>
          <Submit>Save address</Submit>
        </p>
      </ActionForm>
    </>
  );
}

export function NotificationsSection({ chrome, items }: { chrome: Chrome; items: Notification[] }) {
  if (items.length === 0) return <p className="muted">No notifications.</p>;
  return (
    <div data-testid="notifications">
      {items.map((n) => (
        <div className="card" key={n.id}>
          <strong>{n.title}</strong>{' '}
          <span className="muted">
            <LocalTime at={n.createdAt} locale={chrome.store.locale} />
          </span>
          <p>{n.body}</p>
        </div>
      ))}
    </div>
  );
}

export function SecuritySection({ chrome }: { chrome: Chrome }) {
  return (
    <>
      <h2>Change password</h2>
      <ActionForm chrome={chrome} action="/account/password" scope="customer_only" className="form">
        <label htmlFor="currentPassword">Current password</label>
        <input
          id="currentPassword"
          type="password"
          name="currentPassword"
          required
          maxLength={200}
          autoComplete="current-password"
        />
        <label htmlFor="newPassword">New password (at least 10 characters)</label>
        <input
          id="newPassword"
          type="password"
          name="newPassword"
          required
          minLength={10}
          maxLength={200}
          autoComplete="new-password"
        />
        <p>
          <Submit>Change password</Submit>
        </p>
      </ActionForm>
      <h2>Change email</h2>
      <ActionForm chrome={chrome} action="/account/email" scope="customer_only" className="form">
        <label htmlFor="email">New email</label>
        <input id="email" type="email" name="email" required maxLength={254} />
        <label htmlFor="password">Password</label>
        <input id="password" type="password" name="password" required maxLength={200} autoComplete="current-password" />
        <p>
          <Submit>Change email</Submit>
        </p>
      </ActionForm>
    </>
  );
}

export function PaymentMethodsSection({ chrome, cards }: { chrome: Chrome; cards: PaymentMethod[] }) {
  return (
    <>
      <p className="muted">
        This demo store takes test payments only; a saved test card stores a label and four digits, never a card number.
      </p>
      {cards.length === 0 ? (
        <p className="muted">No saved test cards.</p>
      ) : (
        <table>
          <tbody>
            {cards.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.label} •••• {c.last4}
                </td>
                <td className="num">
                  <RemoveButton
                    chrome={chrome}
                    action="/account/payment-methods/remove"
                    scope="customer_only"
                    name="paymentMethodId"
                    value={c.id}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a test card</h2>
      <ActionForm chrome={chrome} action="/account/payment-methods" scope="customer_only" className="form row">
        <div>
          <label htmlFor="label">Label</label>
          <input id="label" type="text" name="label" required maxLength={40} placeholder="Test Visa" />
        </div>
        <div>
          <label htmlFor="last4">Last 4 digits</label>
          <input id="last4" type="text" name="last4" required pattern="[0-9]{4}" minLength={4} maxLength={4} />
        </div>
        <div>
          <Submit>Save test card</Submit>
        </div>
      </ActionForm>
    </>
  );
}

export function DeleteSection({ chrome, requestedAt }: { chrome: Chrome; requestedAt: Date | null }) {
  if (requestedAt)
    return (
      <p>
        You asked us to delete your account on <LocalTime at={requestedAt} locale={chrome.store.locale} />. Our team
        will confirm by email.
      </p>
    );
  return (
    <>
      <p>
        Deleting your account removes your profile, addresses and saved cards. Orders and invoices are kept as the law
        requires.
      </p>
      <ActionForm chrome={chrome} action="/account/delete" scope="customer_only" className="form">
        <label htmlFor="password">Confirm with your password</label>
        <input id="password" type="password" name="password" required maxLength={200} autoComplete="current-password" />
        <p>
          <Submit className="danger">Delete my account</Submit>
        </p>
      </ActionForm>
    </>
  );
}

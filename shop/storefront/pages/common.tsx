import type { ReactNode } from 'react';
import { href, Money, type Chrome } from '../layout';
import type { Product } from '../data/catalog';
import type { ActionScope } from '../policy';
import { ActionForm, Submit } from './action-form';

/** Notices shown after a redirect; the query only picks one of these fixed texts. */
const NOTICES: Readonly<Record<string, string>> = {
  added: 'Added to your cart.',
  cart_updated: 'Your cart was updated.',
  address_added: 'Address saved.',
  address_removed: 'Address removed.',
  profile_saved: 'Profile saved.',
  password_changed: 'Your password was changed. Other devices were signed out.',
  email_changed: 'Your email address was changed.',
  card_added: 'Test card saved.',
  card_removed: 'Test card removed.',
  consent_granted: 'Remote shopping assistance is allowed.',
  consent_revoked: 'Remote shopping assistance is turned off. Any assisted session on your account has ended.',
  assist_ended: 'The assisted session has ended: the agent can no longer see or change your account.',
  assist_not_live: 'That assisted session had already ended.',
  deletion_requested: 'We received your request to delete your account. Our team will confirm by email within 30 days.',
  signed_out: 'You are signed out.',
  welcome: 'Welcome! Your account is ready.',
  signed_in: 'You are signed in.',
};

export function Notice({ notice }: { notice: string | undefined }) {
  const text = notice ? NOTICES[notice] : undefined;
  return text ? (
    <div className="notice" role="status">
      {text}
    </div>
  ) : null;
}

/** A "Remove" link that posts one item's id (`name`=`value`) to `action`, an action of `scope`. */
export function RemoveButton({
  chrome,
  action,
  scope,
  name,
  value,
}: {
  chrome: Chrome;
  action: string;
  scope: ActionScope;
  name: string;
  value: string;
}) {
  return (
    <ActionForm chrome={chrome} action={action} scope={scope}>
      <input type="hidden" name={name} value={value} />
      <Submit className="link">Remove</Submit>
    </ActionForm>
  );
}

export function noticeOf(query: unknown): string | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const value = (query as Record<string, unknown>).notice;
  return typeof value === 'string' ? value : undefined;
}

export function ProductCard({ chrome, product }: { chrome: Chrome; product: Product }) {
  return (
    <a className="card product" href={href(chrome.store, `/product/${product.slug}`)} data-testid="product-card">
      <div className="thumb" aria-hidden="true">
        {product.name.slice(0, 1).toUpperCase()}
      </div>
      <h3>{product.name}</h3>
      <div className="muted">{product.category}</div>
      {product.priceCents !== null ? <Money cents={product.priceCents} store={chrome.store} /> : null}
    </a>
  );
}

export function ProductGrid({ chrome, products, empty }: { chrome: Chrome; products: Product[]; empty: ReactNode }) {
  if (products.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="grid">
      {products.map((p) => (
        <ProductCard key={p.id} chrome={chrome} product={p} />
      ))}
    </div>
  );
}

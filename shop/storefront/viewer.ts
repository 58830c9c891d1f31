import type { SessionMode } from '../../shared/api/settings';

export interface StoreRow {
  id: string;
  code: string;
  name: string;
  pathPrefix: string;
  currency: string;
  locale: string;
}

export interface CustomerRow {
  id: string;
  number: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  phone: string | null;
}

/** The assisted session as the storefront sees it (shop/assist/storefront-access LiveSession). */
export interface AssistedSession {
  id: string;
  staffId: string;
  staffName: string;
  customerId: string;
  accountId: string;
  storeId: string;
  mode: SessionMode;
  reason: string;
  expiresAt: string;
}

/** Who is looking at the page: nobody yet, the customer, or a staff member assisting the customer. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'customer'; customer: CustomerRow; accountId: string; webSessionId: string }
  | { kind: 'assisted'; customer: CustomerRow; accountId: string; session: AssistedSession };

export type SignedInViewer = Exclude<Viewer, { kind: 'anonymous' }>;

/** Per-request storefront state, set by the store scope's onRequest hook. */
export interface StorefrontRequestState {
  store: StoreRow;
  viewer: Viewer;
  /** The secret of the cookie that identifies this browser; the CSRF token derives from it. */
  cookieSecret: string | null;
  /** Set once the request's assisted-session audit event is written: exactly one per request. */
  audited: boolean;
}

import { z } from 'zod';
import { Cursor, Id, Timestamp } from './common';

export const Store = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  baseUrl: z.url(),
  currency: z.string().length(3),
});
export type Store = z.infer<typeof Store>;

export const ConsentStatus = z.enum(['granted', 'not_granted', 'expired']);
export type ConsentStatus = z.infer<typeof ConsentStatus>;

export const Consent = z.object({
  status: ConsentStatus,
  grantedAt: Timestamp.nullable(),
  /** null with status granted means "until turned off". */
  expiresAt: Timestamp.nullable(),
});
export type Consent = z.infer<typeof Consent>;

export const Account = z.object({
  id: Id,
  storeId: Id,
  storeCode: z.string(),
  createdAt: Timestamp,
});
export type Account = z.infer<typeof Account>;

export const DocumentType = z.enum(['order', 'invoice', 'shipment', 'credit_memo']);
export type DocumentType = z.infer<typeof DocumentType>;

export const MatchField = z.enum(['name', 'email', 'phone', 'number', 'order', 'invoice', 'shipment', 'credit_memo']);
export type MatchField = z.infer<typeof MatchField>;

export const CustomerSummary = z.object({
  id: Id,
  number: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  storeIds: z.array(Id),
  consent: Consent,
  /** What the query matched, e.g. `{field: "order", value: "US-100000123"}`. */
  match: z.object({ field: MatchField, value: z.string() }).nullable(),
});
export type CustomerSummary = z.infer<typeof CustomerSummary>;

export const CustomerSearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  storeId: Id.optional(),
  consent: z.enum(['granted', 'not_granted']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: Cursor.optional(),
});
export type CustomerSearchQuery = z.infer<typeof CustomerSearchQuery>;

export const CustomerSearchResponse = z.object({
  items: z.array(CustomerSummary),
  nextCursor: Cursor.nullable(),
});
export type CustomerSearchResponse = z.infer<typeof CustomerSearchResponse>;

export const Customer = z.object({
  id: Id,
  number: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  createdAt: Timestamp,
  accounts: z.array(Account),
  consent: Consent,
});
export type Customer = z.infer<typeof Customer>;

export const ShopDocument = z.object({
  id: Id,
  type: DocumentType,
  number: z.string(),
  customerId: Id,
  accountId: Id,
  storeId: Id,
  /** For invoices, shipments and credit memos: the order they belong to. */
  orderId: Id.nullable(),
  orderNumber: z.string().nullable(),
  status: z.string(),
  totalCents: z.number().int(),
  currency: z.string().length(3),
  createdAt: Timestamp,
  /** Set when the document was created during an assisted session. */
  placedBy: z.object({ staffId: Id, staffName: z.string(), sessionId: Id }).nullable(),
});
export type ShopDocument = z.infer<typeof ShopDocument>;

export const DocumentsQuery = z.object({
  type: DocumentType.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DocumentsQuery = z.infer<typeof DocumentsQuery>;

export const DocumentsResponse = z.object({ items: z.array(ShopDocument) });
export type DocumentsResponse = z.infer<typeof DocumentsResponse>;

/** A postal address as a document carries it (shipping or billing). */
export const DocumentAddress = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string(),
  country: z.string(),
  phone: z.string().nullable(),
});
export type DocumentAddress = z.infer<typeof DocumentAddress>;

export const DocumentLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  /** Orders, invoices carry prices; shipments and credit memos list items only. */
  unitCents: z.number().int().nullable(),
});
export type DocumentLine = z.infer<typeof DocumentLine>;

/** `GET /customers/:id/documents/:documentId`: one document as the storefront shows it, read without a session. */
export const ShopDocumentDetail = ShopDocument.extend({
  storeCode: z.string(),
  lines: z.array(DocumentLine),
  subtotalCents: z.number().int().nullable(),
  shippingCents: z.number().int().nullable(),
  shippingAddress: DocumentAddress.nullable(),
  billingAddress: DocumentAddress.nullable(),
  shippingMethod: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  tracking: z.object({ carrier: z.string().nullable(), number: z.string() }).nullable(),
  /** A credit memo's reason. */
  reason: z.string().nullable(),
  /** The order and its other documents (for an order: its invoices, shipments and credit memos), oldest first. */
  related: z.array(ShopDocument),
});
export type ShopDocumentDetail = z.infer<typeof ShopDocumentDetail>;

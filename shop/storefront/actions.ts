import { z } from 'zod';

/**
 * Every storefront POST action, by the name `routes/define.ts` `action()` gives it: the audit log
 * records it as `details.action` and the customer's assistance history labels it
 * (`pages/assistance-history.tsx`), so a new action needs its name here and a label there.
 */
export const StorefrontAction = z.enum([
  'cart.add',
  'cart.update',
  'cart.remove',
  'address.add',
  'address.remove',
  'order.place',
  'profile.update',
  'customer.password_change',
  'customer.email_change',
  'payment_method.add',
  'payment_method.remove',
  'customer.consent_change',
  'customer.consent_code',
  'customer.assist_end',
  'customer.delete_request',
  'customer.sign_in',
  'customer.register',
  'customer.sign_out',
]);
export type StorefrontAction = z.infer<typeof StorefrontAction>;

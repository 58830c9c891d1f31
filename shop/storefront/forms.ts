import { z } from 'zod';
import { Email } from '../../shared/api/auth';
import { CONSENT_DURATIONS } from '../consent/consent';
import { MAX_QUANTITY } from './data/cart';
import { SHIPPING_METHODS, type ShippingMethod } from './data/orders';

/** Field schemas for the storefront's forms: every field typed and bounded at the boundary. */
const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : null));
const ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a valid reference');

export const quantity = (min: 0 | 1) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,3}$/, `must be a whole number from ${min} to ${MAX_QUANTITY}`)
    .transform(Number)
    .refine((n) => n >= min && n <= MAX_QUANTITY, `must be a whole number from ${min} to ${MAX_QUANTITY}`);

export const CartAddForm = z.object({ productId: ref, quantity: quantity(1) });
export const CartUpdateForm = z.object({ productId: ref, quantity: quantity(0) });
export const CartRemoveForm = z.object({ productId: ref });

export const CheckoutForm = z.object({
  addressId: ref,
  shipping: z.enum(Object.keys(SHIPPING_METHODS) as [ShippingMethod, ...ShippingMethod[]]),
  payment: ref,
});

export const SignInForm = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(200),
  next: z.string().max(500).optional(),
});

const password = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const RegisterForm = z.object({ firstName: text(100), lastName: text(100), email: Email, password });

export const ProfileForm = z.object({ firstName: text(100), lastName: text(100), phone: optionalText(40) });

export const AddressForm = z.object({
  fullName: text(120),
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  postalCode: text(20),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code'),
  phone: optionalText(40),
  returnTo: z.literal('checkout').optional(),
});
export const AddressRemoveForm = z.object({ addressId: ref });

export const PasswordForm = z.object({ currentPassword: z.string().max(200), newPassword: password });
export const EmailForm = z.object({ email: Email, password: z.string().max(200) });
export const PaymentMethodForm = z.object({
  label: text(40),
  last4: z.string().regex(/^\d{4}$/, 'must be four digits'),
});
export const PaymentMethodRemoveForm = z.object({ paymentMethodId: ref });
export const DeleteForm = z.object({ password: z.string().max(200) });

export const ConsentForm = z.discriminatedUnion('allow', [
  z.object({ allow: z.literal('on'), duration: z.enum(CONSENT_DURATIONS) }),
  z.object({ allow: z.literal('off') }),
]);

export const AssistEndForm = z.object({ sessionId: ref });

export const HandoffQuery = z.object({
  code: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/),
  /** The document the session was started from: its page is where the agent lands. */
  document: ref.optional(),
});

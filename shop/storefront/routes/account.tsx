import type { ReactNode } from 'react';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addAddress, listAddresses, removeAddress } from '../data/addresses';
import {
  deletionRequestedAt,
  emailTaken,
  endOtherWebSessions,
  requestDeletion,
  setEmail,
  setPassword,
  updateProfile,
} from '../data/customers';
import { documentById, documentByNumber, documentsOfOrder, listOrders } from '../data/documents';
import { listNotifications } from '../data/notifications';
import { addTestCard, listPaymentMethods, removePaymentMethod } from '../data/payment-methods';
import { pageNotFound, PageError } from '../errors';
import {
  AddressForm,
  AddressRemoveForm,
  DeleteForm,
  EmailForm,
  PasswordForm,
  PaymentMethodForm,
  PaymentMethodRemoveForm,
  ProfileForm,
} from '../forms';
import { perform, sendPage } from '../http';
import type { Chrome } from '../layout';
import {
  AccountFrame,
  AddressesSection,
  DeleteSection,
  NotificationsSection,
  PaymentMethodsSection,
  ProfileSection,
  SecuritySection,
} from '../pages/account';
import { noticeOf } from '../pages/common';
import { DocumentPage, documentTitle, OrderDetailPage, OrdersPage } from '../pages/documents';
import type { ShopContext } from '../../context';
import { page, param, queryString, signedIn, type RouteDeps } from './define';
import { formAction } from './form-action';

/** Sends one section of the account area inside its frame. */
export function sendAccountPage(
  ctx: ShopContext,
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  section: (chrome: Chrome) => ReactNode,
  status?: number,
) {
  return sendPage(ctx, request, reply, {
    title,
    ...(status ? { status } : {}),
    body: (chrome) => (
      <AccountFrame chrome={chrome} title={title} notice={noticeOf(request.query)}>
        {section(chrome)}
      </AccountFrame>
    ),
  });
}

/** The account area: profile and addresses, orders and notifications, and what only the customer may change. */
export function registerAccountRoutes(deps: RouteDeps): void {
  registerProfileRoutes(deps);
  registerHistoryRoutes(deps);
  registerCustomerOnlyRoutes(deps);
}

/** Profile and address book; an assisted session in act mode may add and remove addresses. */
function registerProfileRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/account', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    return sendAccountPage(ctx, request, reply, 'Your profile', (chrome) => (
      <ProfileSection chrome={chrome} customer={viewer.customer} />
    ));
  });

  formAction(
    deps,
    { path: '/account/profile', name: 'profile.update', scope: 'customer_only', form: ProfileForm },
    async ({ form, viewer, request }) => {
      await perform(ctx, request, async (tx) => {
        await updateProfile(tx, viewer.customer.id, form);
        return { result: null };
      });
      return { to: '/account', notice: 'profile_saved' };
    },
  );

  page(deps, '/account/addresses', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const addresses = await listAddresses(ctx.db, viewer.customer.id);
    const fromCheckout = queryString(request, 'from') === 'checkout';
    return sendAccountPage(ctx, request, reply, 'Addresses', (chrome) => (
      <AddressesSection chrome={chrome} addresses={addresses} fromCheckout={fromCheckout} />
    ));
  });

  formAction(
    deps,
    { path: '/account/addresses', name: 'address.add', scope: 'shopping', form: AddressForm },
    async ({ form: { returnTo, ...address }, viewer, request }) => {
      await perform(ctx, request, async (tx) => {
        const id = await addAddress(tx, ctx.clock, viewer.customer.id, address);
        return { result: id, details: { addressId: id, city: address.city, country: address.country } };
      });
      return returnTo === 'checkout' ? { to: '/checkout' } : { to: '/account/addresses', notice: 'address_added' };
    },
  );

  formAction(
    deps,
    { path: '/account/addresses/remove', name: 'address.remove', scope: 'shopping', form: AddressRemoveForm },
    async ({ form, viewer, request }) => {
      await perform(ctx, request, async (tx) => {
        if (!(await removeAddress(tx, ctx.clock, viewer.customer.id, form.addressId)))
          throw pageNotFound('There is no such address in your address book.');
        return { result: null, details: { addressId: form.addressId } };
      });
      return { to: '/account/addresses', notice: 'address_removed' };
    },
  );
}

/** Orders with their documents, and notifications: read-only, open to an assisted session. */
function registerHistoryRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/account/orders', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const orders = await listOrders(ctx.db, viewer.accountId);
    return sendAccountPage(ctx, request, reply, 'Orders', (chrome) => <OrdersPage chrome={chrome} orders={orders} />);
  });

  page(deps, '/account/orders/:number', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const order = await documentByNumber(ctx.db, viewer.accountId, param(request, 'number').slice(0, 64));
    if (order?.type !== 'order') throw pageNotFound('There is no such order on your account.');
    const related = await documentsOfOrder(ctx.db, viewer.accountId, order.id);
    return sendAccountPage(ctx, request, reply, `Order ${order.number}`, (chrome) => (
      <OrderDetailPage chrome={chrome} order={order} related={related} />
    ));
  });

  page(deps, '/account/documents/:number', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const doc = await documentByNumber(ctx.db, viewer.accountId, param(request, 'number').slice(0, 64));
    if (!doc || doc.type === 'order')
      throw pageNotFound('There is no such invoice, shipment or credit memo on your account.');
    const order = doc.orderId ? await documentById(ctx.db, viewer.accountId, doc.orderId) : null;
    return sendAccountPage(ctx, request, reply, documentTitle(doc), (chrome) => (
      <DocumentPage chrome={chrome} doc={doc} order={order} />
    ));
  });

  page(deps, '/account/notifications', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const items = await listNotifications(ctx.db, viewer.customer.id);
    return sendAccountPage(ctx, request, reply, 'Notifications', (chrome) => (
      <NotificationsSection chrome={chrome} items={items} />
    ));
  });
}

/** Password, email, payment methods and deletion: the customer's alone, never while assisted. */
function registerCustomerOnlyRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/account/security', 'customer_only', async (request, reply) => {
    return sendAccountPage(ctx, request, reply, 'Password and email', (chrome) => <SecuritySection chrome={chrome} />);
  });

  formAction(
    deps,
    {
      path: '/account/password',
      name: 'customer.password_change',
      scope: 'customer_only',
      form: PasswordForm,
      password: (form) => form.currentPassword,
    },
    async ({ form, viewer }) => {
      if (viewer.kind !== 'customer') throw new Error('customer_only action reached while assisted');
      await ctx.db.transaction(async (tx) => {
        await setPassword(tx, viewer.customer.id, form.newPassword);
        await endOtherWebSessions(tx, ctx.clock.now(), viewer.customer.id, viewer.webSessionId);
      });
      return { to: '/account/security', notice: 'password_changed' };
    },
  );

  formAction(
    deps,
    {
      path: '/account/email',
      name: 'customer.email_change',
      scope: 'customer_only',
      form: EmailForm,
      password: (form) => form.password,
    },
    async ({ form, viewer }) => {
      if (form.email !== viewer.customer.email && (await emailTaken(ctx.db, form.email)))
        throw new PageError(409, 'Email in use', 'Another account uses this email address. Nothing was changed.', {
          refusal: 'invalid_input',
        });
      await ctx.db.transaction((tx) => setEmail(tx, viewer.customer.id, form.email));
      return { to: '/account/security', notice: 'email_changed' };
    },
  );

  page(deps, '/account/payment-methods', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const cards = await listPaymentMethods(ctx.db, viewer.customer.id);
    return sendAccountPage(ctx, request, reply, 'Payment methods', (chrome) => (
      <PaymentMethodsSection chrome={chrome} cards={cards} />
    ));
  });

  formAction(
    deps,
    { path: '/account/payment-methods', name: 'payment_method.add', scope: 'customer_only', form: PaymentMethodForm },
    async ({ form, viewer }) => {
      await ctx.db.transaction((tx) => addTestCard(tx, ctx.clock, viewer.customer.id, form.label, form.last4));
      return { to: '/account/payment-methods', notice: 'card_added' };
    },
  );

  formAction(
    deps,
    {
      path: '/account/payment-methods/remove',
      name: 'payment_method.remove',
      scope: 'customer_only',
      form: PaymentMethodRemoveForm,
    },
    async ({ form, viewer }) => {
      const removed = await ctx.db.transaction((tx) =>
        removePaymentMethod(tx, ctx.clock, viewer.customer.id, form.paymentMethodId),
      );
      if (!removed) throw pageNotFound('There is no such saved card.');
      return { to: '/account/payment-methods', notice: 'card_removed' };
    },
  );

  page(deps, '/account/delete', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const requestedAt = await deletionRequestedAt(ctx.db, viewer.customer.id);
    return sendAccountPage(ctx, request, reply, 'Delete account', (chrome) => (
      <DeleteSection chrome={chrome} requestedAt={requestedAt} />
    ));
  });

  formAction(
    deps,
    {
      path: '/account/delete',
      name: 'customer.delete_request',
      scope: 'customer_only',
      form: DeleteForm,
      password: (form) => form.password,
    },
    async ({ viewer }) => {
      await requestDeletion(ctx.db, ctx.clock, viewer.customer.id);
      return { to: '/account/delete', notice: 'deletion_requested' };
    },
  );
}

import type { ReactNode } from 'react';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addAddress, listAddresses, removeAddress } from '../data/addresses';
import {
  deletionRequestedAt,
  emailTaken,
  endOtherWebSessions,
  requestDeletion,
  passwordMatches,
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
import { parseForm, perform, redirectTo, sendPage } from '../http';
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
import { DocumentPage, OrderDetailPage, OrdersPage } from '../pages/documents';
import type { ShopContext } from '../../context';
import { action, page, param, queryString, signedIn, type RouteDeps } from './define';

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

const wrongPassword = () =>
  new PageError(403, 'Password not confirmed', 'The password is not right. Nothing was changed.', {
    refusal: 'invalid_input',
  });

export function registerAccountRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/account', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    return sendAccountPage(ctx, request, reply, 'Your profile', (chrome) => (
      <ProfileSection chrome={chrome} customer={viewer.customer} />
    ));
  });

  action(deps, '/account/profile', 'profile.update', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const form = parseForm(ProfileForm, request.body);
    await perform(ctx, request, async (tx) => {
      await updateProfile(tx, viewer.customer.id, form);
      return { result: null };
    });
    return redirectTo(reply, state, '/account', 'profile_saved');
  });

  page(deps, '/account/addresses', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const addresses = await listAddresses(ctx.db, viewer.customer.id);
    const fromCheckout = queryString(request, 'from') === 'checkout';
    return sendAccountPage(ctx, request, reply, 'Addresses', (chrome) => (
      <AddressesSection chrome={chrome} addresses={addresses} fromCheckout={fromCheckout} />
    ));
  });

  action(deps, '/account/addresses', 'address.add', 'shopping', async (request, reply, state) => {
    const viewer = signedIn(state);
    const { returnTo, ...address } = parseForm(AddressForm, request.body);
    await perform(ctx, request, async (tx) => {
      const id = await addAddress(tx, ctx.clock, viewer.customer.id, address);
      return { result: id, details: { addressId: id, city: address.city, country: address.country } };
    });
    return returnTo === 'checkout'
      ? redirectTo(reply, state, '/checkout')
      : redirectTo(reply, state, '/account/addresses', 'address_added');
  });

  action(deps, '/account/addresses/remove', 'address.remove', 'shopping', async (request, reply, state) => {
    const viewer = signedIn(state);
    const form = parseForm(AddressRemoveForm, request.body);
    await perform(ctx, request, async (tx) => {
      if (!(await removeAddress(tx, ctx.clock, viewer.customer.id, form.addressId)))
        throw pageNotFound('There is no such address in your address book.');
      return { result: null, details: { addressId: form.addressId } };
    });
    return redirectTo(reply, state, '/account/addresses', 'address_removed');
  });

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
    return sendAccountPage(ctx, request, reply, doc.number, (chrome) => (
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

  page(deps, '/account/security', 'customer_only', async (request, reply) => {
    return sendAccountPage(ctx, request, reply, 'Password and email', (chrome) => <SecuritySection chrome={chrome} />);
  });

  action(
    deps,
    '/account/password',
    'customer.password_change',
    'customer_only',
    async (request, reply, state) => {
      const viewer = signedIn(state);
      if (viewer.kind !== 'customer') throw new Error('customer_only action reached while assisted');
      const form = parseForm(PasswordForm, request.body);
      if (!(await passwordMatches(ctx.db, viewer.customer.id, form.currentPassword))) throw wrongPassword();
      await ctx.db.transaction(async (tx) => {
        await setPassword(tx, viewer.customer.id, form.newPassword);
        await endOtherWebSessions(tx, ctx.clock.now(), viewer.customer.id, viewer.webSessionId);
      });
      return redirectTo(reply, state, '/account/security', 'password_changed');
    },
    { checksPassword: true },
  );

  action(
    deps,
    '/account/email',
    'customer.email_change',
    'customer_only',
    async (request, reply, state) => {
      const viewer = signedIn(state);
      const form = parseForm(EmailForm, request.body);
      if (!(await passwordMatches(ctx.db, viewer.customer.id, form.password))) throw wrongPassword();
      if (form.email !== viewer.customer.email && (await emailTaken(ctx.db, form.email)))
        throw new PageError(409, 'Email in use', 'Another account uses this email address. Nothing was changed.', {
          refusal: 'invalid_input',
        });
      await ctx.db.transaction((tx) => setEmail(tx, viewer.customer.id, form.email));
      return redirectTo(reply, state, '/account/security', 'email_changed');
    },
    { checksPassword: true },
  );

  page(deps, '/account/payment-methods', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const cards = await listPaymentMethods(ctx.db, viewer.customer.id);
    return sendAccountPage(ctx, request, reply, 'Payment methods', (chrome) => (
      <PaymentMethodsSection chrome={chrome} cards={cards} />
    ));
  });

  action(deps, '/account/payment-methods', 'payment_method.add', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const form = parseForm(PaymentMethodForm, request.body);
    await ctx.db.transaction((tx) => addTestCard(tx, ctx.clock, viewer.customer.id, form.label, form.last4));
    return redirectTo(reply, state, '/account/payment-methods', 'card_added');
  });

  action(
    deps,
    '/account/payment-methods/remove',
    'payment_method.remove',
    'customer_only',
    async (request, reply, state) => {
      const viewer = signedIn(state);
      const form = parseForm(PaymentMethodRemoveForm, request.body);
      const removed = await ctx.db.transaction((tx) =>
        removePaymentMethod(tx, ctx.clock, viewer.customer.id, form.paymentMethodId),
      );
      if (!removed) throw pageNotFound('There is no such saved card.');
      return redirectTo(reply, state, '/account/payment-methods', 'card_removed');
    },
  );

  page(deps, '/account/delete', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const requestedAt = await deletionRequestedAt(ctx.db, viewer.customer.id);
    return sendAccountPage(ctx, request, reply, 'Delete account', (chrome) => (
      <DeleteSection chrome={chrome} requestedAt={requestedAt} />
    ));
  });

  action(
    deps,
    '/account/delete',
    'customer.delete_request',
    'customer_only',
    async (request, reply, state) => {
      const viewer = signedIn(state);
      const form = parseForm(DeleteForm, request.body);
      if (!(await passwordMatches(ctx.db, viewer.customer.id, form.password))) throw wrongPassword();
      await requestDeletion(ctx.db, ctx.clock, viewer.customer.id);
      return redirectTo(reply, state, '/account/delete', 'deletion_requested');
    },
    { checksPassword: true },
  );
}

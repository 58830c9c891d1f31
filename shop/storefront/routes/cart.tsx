import { addressById, listAddresses } from '../data/addresses';
import { addToCart, readCart, setCartQuantity } from '../data/cart';
import { productById } from '../data/catalog';
import { documentByNumber } from '../data/documents';
import { placeOrder, type PaymentChoice } from '../data/orders';
import { listPaymentMethods } from '../data/payment-methods';
import { badInput, pageNotFound } from '../errors';
import { CartAddForm, CartRemoveForm, CartUpdateForm, CheckoutForm } from '../forms';
import { perform, sendPage } from '../http';
import { CartPage, CheckoutPage, ConfirmationPage } from '../pages/cart';
import { noticeOf } from '../pages/common';
import { page, param, signedIn, type RouteDeps } from './define';
import { formAction } from './form-action';

export function registerCartRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/cart', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const cart = await readCart(ctx.db, viewer.accountId, state.store.currency);
    return sendPage(ctx, request, reply, {
      title: 'Cart',
      body: (chrome) => <CartPage chrome={chrome} cart={cart} notice={noticeOf(request.query)} />,
    });
  });

  formAction(
    deps,
    { path: '/cart/add', name: 'cart.add', scope: 'shopping', form: CartAddForm },
    async ({ form, viewer, request, state }) => {
      const product = await productById(ctx.db, state.store.currency, form.productId);
      if (!product) throw pageNotFound('This product does not exist in this store; nothing was added to your cart.');
      if (product.stock < form.quantity)
        throw badInput(`Only ${product.stock} of “${product.name}” left in stock; nothing was added.`);
      await perform(ctx, request, async (tx) => {
        const inCart = await addToCart(tx, ctx.clock, viewer.accountId, product.id, form.quantity);
        return {
          result: inCart,
          details: { productId: product.id, sku: product.sku, quantity: form.quantity, inCart },
        };
      });
      return { to: '/cart', notice: 'added' };
    },
  );

  formAction(
    deps,
    { path: '/cart/update', name: 'cart.update', scope: 'shopping', form: CartUpdateForm },
    async ({ form, viewer, request }) => {
      await perform(ctx, request, async (tx) => {
        if (!(await setCartQuantity(tx, viewer.accountId, form.productId, form.quantity)))
          throw pageNotFound('This product is not in your cart.');
        return { result: null, details: { productId: form.productId, quantity: form.quantity } };
      });
      return { to: '/cart', notice: 'cart_updated' };
    },
  );

  formAction(
    deps,
    { path: '/cart/remove', name: 'cart.remove', scope: 'shopping', form: CartRemoveForm },
    async ({ form, viewer, request }) => {
      await perform(ctx, request, async (tx) => {
        if (!(await setCartQuantity(tx, viewer.accountId, form.productId, 0)))
          throw pageNotFound('This product is not in your cart.');
        return { result: null, details: { productId: form.productId } };
      });
      return { to: '/cart', notice: 'cart_updated' };
    },
  );

  page(deps, '/checkout', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const [cart, addresses, cards] = await Promise.all([
      readCart(ctx.db, viewer.accountId, state.store.currency),
      listAddresses(ctx.db, viewer.customer.id),
      // Saved cards are the customer's alone; an assisted checkout uses the test payment.
      viewer.kind === 'customer' ? listPaymentMethods(ctx.db, viewer.customer.id) : Promise.resolve([]),
    ]);
    return sendPage(ctx, request, reply, {
      title: 'Checkout',
      body: (chrome) => <CheckoutPage chrome={chrome} cart={cart} addresses={addresses} cards={cards} />,
    });
  });

  formAction(
    deps,
    { path: '/checkout', name: 'order.place', scope: 'shopping', form: CheckoutForm },
    async ({ form, viewer, request, state }) => {
      const address = await addressById(ctx.db, viewer.customer.id, form.addressId);
      if (!address) throw badInput('Choose one of your saved addresses.');
      let payment: PaymentChoice = { kind: 'test' };
      if (form.payment !== 'test') {
        const card =
          viewer.kind === 'customer'
            ? (await listPaymentMethods(ctx.db, viewer.customer.id)).find((c) => c.id === form.payment)
            : undefined;
        if (!card) throw badInput('Choose the test payment or one of your saved test cards.');
        payment = { kind: 'saved_test_card', id: card.id, label: card.label, last4: card.last4 };
      }
      const placedBy =
        viewer.kind === 'assisted'
          ? { staffId: viewer.session.staffId, staffName: viewer.session.staffName, sessionId: viewer.session.id }
          : null;
      const order = await perform(ctx, request, async (tx) => {
        const placed = await placeOrder(tx, ctx.clock, {
          store: state.store,
          customerId: viewer.customer.id,
          accountId: viewer.accountId,
          address,
          shipping: form.shipping,
          payment,
          placedBy,
        });
        return {
          result: placed,
          details: {
            orderNumber: placed.number,
            invoiceNumber: placed.invoiceNumber,
            totalCents: placed.totalCents,
            currency: state.store.currency,
          },
        };
      });
      return { to: `/checkout/done/${encodeURIComponent(order.number)}` };
    },
  );

  page(deps, '/checkout/done/:number', 'account', async (request, reply, state) => {
    const viewer = signedIn(state);
    const order = await documentByNumber(ctx.db, viewer.accountId, param(request, 'number').slice(0, 64));
    if (order?.type !== 'order') throw pageNotFound('There is no such order on your account.');
    return sendPage(ctx, request, reply, {
      title: 'Order confirmed',
      body: (chrome) => <ConfirmationPage chrome={chrome} order={order} />,
    });
  });
}

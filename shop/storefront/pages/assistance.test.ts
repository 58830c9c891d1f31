import { describe, expect, it } from 'vitest';
import { StorefrontAction } from '../actions';
import { actionLabel } from './assistance-history';

describe("the customer's assistance history", () => {
  it('labels every storefront action in words, never by its name', () => {
    for (const action of StorefrontAction.options) {
      const label = actionLabel(action);
      expect(label).not.toBe(action);
      expect(label).toMatch(/^[a-z][a-z ,-]+$/);
    }
    expect(actionLabel('cart.add')).toBe('added a product to your cart');
  });

  it('shows an action name it does not know (an older log’s) as it was recorded', () => {
    expect(actionLabel('wishlist.add')).toBe('wishlist.add');
  });
});

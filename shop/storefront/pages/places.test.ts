import { describe, expect, it } from 'vitest';
import { placeInWords } from './places';

describe('the pages of an assisted session, in words', () => {
  it.each([
    ['/store/us/', null, 'the store’s home page'],
    ['/store/us/cart', null, 'the cart'],
    ['/store/us/account/orders/O-10000012', 'Order O-10000012', 'your order O-10000012'],
    ['/store/us/account/documents/S-00000003', null, 'your shipment S-00000003'],
    ['/store/us/account/documents/CM-00000001', null, 'your credit memo CM-00000001'],
    ['/store/us/product/earl-grey', 'Earl Grey', 'the product page “Earl Grey”'],
    ['/store/us/product/earl-grey', null, 'the product page “earl-grey”'],
    ['/store/eu/search?q=french+press', 'Search: french press', 'the search for “french press”'],
    ['/store/us/checkout/done/O-90000001', 'Order confirmed', 'the confirmation of order O-90000001'],
    ['/store/us/account/security', 'Not available while assisted', 'your password and email'],
    ['/store/us/no/such/page', 'Not found', 'a page that does not exist'],
    [null, null, 'a page of the store'],
  ])('%s is %s → %s', (path, title, words) => {
    expect(placeInWords(path, title)).toBe(words);
  });

  it('never shows a path, however odd', () => {
    for (const path of [
      '/store/us/%E0%A4%A',
      '/store/us/account/orders/%ZZ',
      '/store/us//x',
      '/store/us/product/a/b',
    ]) {
      expect(placeInWords(path)).not.toMatch(/\/|store us/);
    }
  });
});

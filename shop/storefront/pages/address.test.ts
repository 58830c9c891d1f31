import { describe, expect, it } from 'vitest';
import { addressInData } from '../data/documents';
import { townLine } from './address';

describe('the town line of an address', () => {
  it('writes each country’s order: US town, state and ZIP; Ireland town then Eircode; Germany code first', () => {
    expect(townLine({ city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' })).toBe('Boston, MA 02108');
    expect(townLine({ city: 'Portland', postalCode: '97205', country: 'us' })).toBe('Portland 97205');
    expect(townLine({ city: 'Dublin', region: null, postalCode: 'D02 X285', country: 'IE' })).toBe('Dublin D02 X285');
    expect(townLine({ city: 'Berlin', region: null, postalCode: '10115', country: 'DE' })).toBe('10115 Berlin');
    expect(townLine({ city: 'Paris', postalCode: '75002', country: 'FR' })).toBe('75002 Paris');
  });

  it('reads a document’s address with its region kept apart from the town', () => {
    const address = addressInData(
      {
        shippingAddress: {
          name: 'Jane Smith',
          line1: '1 Elm St',
          city: 'Boston',
          region: 'MA',
          postcode: '02108',
          country: 'US',
        },
      },
      'shippingAddress',
    );
    expect(address && townLine(address)).toBe('Boston, MA 02108');
    expect(addressInData({}, 'shippingAddress')).toBeNull();
  });
});

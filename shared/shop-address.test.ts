import { describe, expect, it } from 'vitest';
import { apiBaseOf, shopBaseOf } from './shop-address';

describe('a shop address', () => {
  it('is the origin for a shop serving the API at its root, whatever path, query or slash follows', () => {
    expect(shopBaseOf('http://127.0.0.1:4310')).toBe('http://127.0.0.1:4310');
    expect(shopBaseOf('http://127.0.0.1:4310/')).toBe('http://127.0.0.1:4310');
    expect(apiBaseOf('http://127.0.0.1:4310/?x=1#y')).toBe('http://127.0.0.1:4310/api/v1/');
  });

  it('keeps the prefix of a shop serving the API below one', () => {
    expect(shopBaseOf('https://Medusa.Example/concierge/')).toBe('https://medusa.example/concierge');
    expect(apiBaseOf('https://medusa.example:8443/concierge')).toBe('https://medusa.example:8443/concierge/api/v1/');
  });
});

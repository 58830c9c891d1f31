import { afterAll, beforeAll } from 'vitest';

/**
 * happy-dom does no layout: give every element a size for the tests of this file, so that a
 * virtual list has a viewport and renders rows.
 */
export function giveElementsASize(sizes = { clientHeight: 560, clientWidth: 1000 }): void {
  const saved: Partial<Record<keyof typeof sizes, PropertyDescriptor | undefined>> = {};
  beforeAll(() => {
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      saved[key] = Object.getOwnPropertyDescriptor(HTMLElement.prototype, key);
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => sizes[key] });
    }
  });
  afterAll(() => {
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      const descriptor = saved[key];
      if (descriptor) Object.defineProperty(HTMLElement.prototype, key, descriptor);
      else Reflect.deleteProperty(HTMLElement.prototype, key);
    }
  });
}

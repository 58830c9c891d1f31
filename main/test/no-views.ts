import type { ViewHost } from '../core/view-host';

/** A view host for console-core tests that open no storefront: opening one fails the test. */
export const noViews: ViewHost = {
  open: () => Promise.reject(new Error('no views in this test')),
  show: () => undefined,
  update: () => undefined,
  close: () => Promise.resolve(),
  wipe: () => Promise.resolve(),
  reload: () => Promise.resolve(),
};

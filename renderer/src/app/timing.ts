/** While the shop does not answer, how long to wait between asking it again. */
export const SHOP_RETRY_MS = 5_000;

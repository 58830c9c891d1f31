import { useBridge } from '../bridge/context';
import { SHOP_RETRY_MS } from './timing';
import { useShopUnreachable } from './useShopReachability';

/** One notice for the whole console while the shop does not answer, instead of a failure per screen only. */
export function ShopUnreachableBanner() {
  const unreachable = useShopUnreachable(useBridge(), SHOP_RETRY_MS);
  if (!unreachable) return null;
  return (
    <div className="shop-unreachable" role="status">
      The shop is not answering — retrying…
    </div>
  );
}

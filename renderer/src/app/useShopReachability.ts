import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConsoleBridge } from '../../../shared/ipc/contract';
import { call } from '../bridge/call';
import { BridgeError } from '../bridge/errors';

/** main's codes for a shop that did not answer (connection refused, DNS, timeout). */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['shop_unreachable', 'shop_timeout']);

export function isShopUnreachable(error: unknown): boolean {
  return error instanceof BridgeError && error.kind === 'network' && UNREACHABLE_CODES.has(error.code);
}

/** Only `shop.*` answers come from the shop; main's own state and the local audit mirror answer without it. */
function answeredByShop(query: { queryKey: readonly unknown[] }): boolean {
  const channel = query.queryKey[0];
  return typeof channel === 'string' && channel.startsWith('shop.');
}

/**
 * Whether the shop stopped answering, as the console's calls tell: a call failing with an
 * unreachable code sets it, a shop query answering clears it. While set, the shop is asked again
 * every `retryMs` (a policy read any staff member may make); once it answers, the failed queries refetch.
 */
export function useShopUnreachable(bridge: ConsoleBridge, retryMs: number): boolean {
  const client = useQueryClient();
  const [unreachable, setUnreachable] = useState(false);

  useEffect(() => {
    const offQueries = client.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      const { action } = event;
      if ((action.type === 'failed' || action.type === 'error') && isShopUnreachable(action.error))
        setUnreachable(true);
      else if (action.type === 'success' && !action.manual && answeredByShop(event.query)) setUnreachable(false);
    });
    const offMutations = client.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error' && isShopUnreachable(event.action.error))
        setUnreachable(true);
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [client]);

  useEffect(() => {
    if (!unreachable) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const probe = () => {
      call(bridge, 'shop.assistPolicy', {}).then(
        () => {
          if (stopped) return;
          setUnreachable(false);
          void client.refetchQueries({ predicate: (query) => isShopUnreachable(query.state.error) });
        },
        (error: unknown) => {
          if (stopped) return;
          // A refusal is an answer too: the shop is back, it just said no.
          if (error instanceof BridgeError && error.kind !== 'network' && error.kind !== 'internal')
            setUnreachable(false);
          else timer = setTimeout(probe, retryMs);
        },
      );
    };
    timer = setTimeout(probe, retryMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [unreachable, bridge, client, retryMs]);

  return unreachable;
}

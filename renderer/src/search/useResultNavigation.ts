import { useCallback, useState, type KeyboardEvent } from 'react';

/**
 * The result the keyboard (↑ ↓ Enter) and the mouse point at. It starts at the top for every new
 * `resultsKey` and stays within the results when fewer arrive.
 */
export function useResultNavigation<T>(
  items: readonly T[],
  resultsKey: string,
  onOpen: (item: T) => void,
  onEscape: () => void,
) {
  const [nav, setNav] = useState({ key: '', index: 0 });
  const activeIndex = nav.key === resultsKey ? Math.min(nav.index, Math.max(0, items.length - 1)) : 0;
  const hover = useCallback(
    (index: number) => {
      setNav({ key: resultsKey, index });
    },
    [resultsKey],
  );

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (items.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setNav({ key: resultsKey, index: (activeIndex + step + items.length) % items.length });
    } else if (event.key === 'Enter') {
      const chosen = items[activeIndex];
      if (chosen !== undefined) {
        event.preventDefault();
        onOpen(chosen);
      }
    } else if (event.key === 'Escape') {
      onEscape();
    }
  }

  return { activeIndex, hover, onKeyDown };
}

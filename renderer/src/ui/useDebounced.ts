import { useEffect, useState } from 'react';

/**
 * `value`, once it has stopped changing for `delayMs`. With `immediate` true the value passes
 * straight through (and becomes the settled one), so a caller can debounce only some values.
 */
export function useDebounced<T>(value: T, delayMs: number, immediate = false): T {
  const [settled, setSettled] = useState(value);
  if (immediate && settled !== value) setSettled(value);
  useEffect(() => {
    if (immediate) return undefined;
    const timer = setTimeout(() => {
      setSettled(value);
    }, delayMs);
    return () => {
      clearTimeout(timer);
    };
  }, [value, delayMs, immediate]);
  return immediate ? value : settled;
}

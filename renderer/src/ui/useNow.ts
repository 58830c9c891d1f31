import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` while `running`. */
export function useNow(intervalMs = 1000, running = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, intervalMs);
    return () => {
      clearInterval(timer);
    };
  }, [intervalMs, running]);
  return now;
}

/** Seconds left now, from a count main computed against the shop's clock at `receivedAt`. */
export function secondsLeftAt(secondsLeft: number, receivedAt: number, now: number): number {
  return Math.max(0, secondsLeft - Math.max(0, Math.floor((now - receivedAt) / 1000)));
}

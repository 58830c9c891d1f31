/**
 * Values a POST hands to the page its redirect shows, kept in this process and keyed by the
 * viewer's web session: read once, then gone, so a reload cannot show or redo it and nothing
 * secret travels in a URL or a cookie. Entries past their expiry are dropped; `limit` bounds the rest.
 */
export interface ShownOnce<T> {
  put(key: string, value: T, expiresAt: Date, now: Date): void;
  take(key: string, now: Date): T | null;
}

export function shownOnce<T>(limit = 10_000): ShownOnce<T> {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const dropExpired = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  return {
    put(key, value, expiresAt, now) {
      dropExpired(now.getTime());
      entries.delete(key);
      // A Map iterates in insertion order: the first key is the oldest.
      while (entries.size >= limit) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: expiresAt.getTime() });
    },
    take(key, now) {
      const entry = entries.get(key);
      entries.delete(key);
      return entry && entry.expiresAt > now.getTime() ? entry.value : null;
    },
  };
}

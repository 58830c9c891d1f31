import { describe, expect, it } from 'vitest';
import { shownOnce } from './shown-once';

describe('a value shown once', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('is read once, by its own key only', () => {
    const values = shownOnce<string>();
    values.put('web_a', '123456', later(600), now);
    expect(values.take('web_b', now)).toBeNull();
    expect(values.take('web_a', now)).toBe('123456');
    expect(values.take('web_a', now)).toBeNull();
  });

  it('is gone once it expires, and a newer value replaces an older one', () => {
    const values = shownOnce<string>();
    values.put('web_a', 'old', later(600), now);
    values.put('web_a', 'new', later(600), now);
    expect(values.take('web_a', now)).toBe('new');
    values.put('web_a', 'soon', later(10), now);
    expect(values.take('web_a', later(10))).toBeNull();
  });

  it('keeps at most `limit` values, dropping the oldest first', () => {
    const values = shownOnce<number>(2);
    values.put('a', 1, later(600), now);
    values.put('b', 2, later(600), now);
    values.put('c', 3, later(600), now);
    expect([values.take('a', now), values.take('b', now), values.take('c', now)]).toEqual([null, 2, 3]);
  });
});

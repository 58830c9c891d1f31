import { describe, expect, it } from 'vitest';
import { createPartitionPool } from './partition-pool';

describe('partition pool', () => {
  it('hands out in-memory partitions assist-slot-N until the pool is empty', () => {
    const pool = createPartitionPool({ size: 2, wipe: () => Promise.resolve() });
    const a = pool.acquire('ses_a');
    const b = pool.acquire('ses_b');
    expect(a?.partition).toBe('assist-slot-0');
    expect(b?.partition).toBe('assist-slot-1');
    expect(a?.partition.startsWith('persist:')).toBe(false);
    expect(pool.acquire('ses_c')).toBeNull();
    expect(pool.acquire('ses_a')).toBe(a);
    expect(pool.inUse()).toBe(2);
  });

  it('wipes a slot on release before anyone can take it again', async () => {
    const wiped: string[] = [];
    let finishWipe: () => void = () => undefined;
    const pool = createPartitionPool({
      size: 1,
      wipe: (partition) =>
        new Promise<void>((resolve) => {
          wiped.push(partition);
          finishWipe = resolve;
        }),
    });
    pool.acquire('ses_a');
    const released = pool.release('ses_a');
    expect(wiped).toEqual(['assist-slot-0']);
    expect(pool.acquire('ses_b')).toBeNull();
    finishWipe();
    await released;
    expect(pool.acquire('ses_b')?.partition).toBe('assist-slot-0');
  });

  it('retires a partition whose wipe failed and hands out its slot on a fresh partition', async () => {
    let failures = 2;
    const pool = createPartitionPool({
      size: 1,
      wipe: () => (failures-- > 0 ? Promise.reject(new Error('cookies left')) : Promise.resolve()),
    });
    pool.acquire('ses_a');
    await expect(pool.release('ses_a')).rejects.toThrow('cookies left');
    expect(pool.retired()).toEqual(['assist-slot-0']);
    expect(pool.acquire('ses_b')?.partition).toBe('assist-slot-0-1');
    await expect(pool.release('ses_b')).rejects.toThrow('cookies left');
    expect(pool.acquire('ses_c')?.partition).toBe('assist-slot-0-2');
    await pool.release('ses_c');
    expect(pool.retired()).toEqual(['assist-slot-0', 'assist-slot-0-1']);
    expect(pool.acquire('ses_d')?.partition).toBe('assist-slot-0-2');
  });

  it('retires without wiping a partition whose view would not close', async () => {
    const wiped: string[] = [];
    const pool = createPartitionPool({
      size: 2,
      wipe: (partition) => {
        wiped.push(partition);
        return Promise.resolve();
      },
    });
    pool.acquire('ses_a');
    pool.acquire('ses_b');
    pool.retire('ses_a');
    pool.retire('ses_none');
    expect(wiped).toEqual([]);
    expect(pool.retired()).toEqual(['assist-slot-0']);
    expect(pool.acquire('ses_c')?.partition).toBe('assist-slot-0-1');
    await pool.release('ses_b');
    expect(wiped).toEqual(['assist-slot-1']);
  });

  it('ignores releasing a session without a slot and refuses an empty pool', async () => {
    const pool = createPartitionPool({ size: 1, wipe: () => Promise.reject(new Error('must not wipe')) });
    await pool.release('ses_none');
    expect(pool.slotOf('ses_none')).toBeNull();
    expect(() => createPartitionPool({ size: 0, wipe: () => Promise.resolve() })).toThrow();
  });
});

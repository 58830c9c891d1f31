/**
 * A fixed pool of storefront partitions. Electron never frees a session once created, so
 * sessions reuse a small set of in-memory partitions (no `persist:` prefix: nothing reaches
 * disk) and each is wiped before anyone else may take it.
 */

export interface PartitionSlot {
  readonly index: number;
  /** The Electron partition name, `assist-slot-<index>`. */
  readonly partition: string;
}

/** Removes everything a partition holds (cookies, storage, caches, auth); rejects when it could not. */
export type PartitionWiper = (partition: string) => Promise<void>;

export interface PartitionPool {
  readonly size: number;
  /** A free slot for this session, or null when every slot is in use (or still being wiped). */
  acquire(sessionId: string): PartitionSlot | null;
  /** Wipes the session's slot and returns it to the pool; a no-op for a session without one. */
  release(sessionId: string): Promise<void>;
  slotOf(sessionId: string): PartitionSlot | null;
  inUse(): number;
}

export function partitionName(index: number): string {
  return `assist-slot-${index}`;
}

export class PoolExhaustedError extends Error {
  constructor(size: number) {
    super(`All ${size} storefront slots are in use; end a session first.`);
    this.name = 'PoolExhaustedError';
  }
}

export function createPartitionPool(options: { size: number; wipe: PartitionWiper }): PartitionPool {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new Error('the partition pool needs at least one slot');
  const slots: PartitionSlot[] = Array.from({ length: options.size }, (_, index) => ({
    index,
    partition: partitionName(index),
  }));
  const free = new Set<number>(slots.map((s) => s.index));
  const bySession = new Map<string, PartitionSlot>();

  return {
    size: options.size,
    acquire(sessionId) {
      const existing = bySession.get(sessionId);
      if (existing) return existing;
      const [index] = free;
      if (index === undefined) return null;
      const slot = slots[index];
      if (!slot) return null;
      free.delete(index);
      bySession.set(sessionId, slot);
      return slot;
    },
    async release(sessionId) {
      const slot = bySession.get(sessionId);
      if (!slot) return;
      bySession.delete(sessionId);
      // A slot whose wipe failed stays out of the pool: handing it on could leak one customer's data to the next.
      await options.wipe(slot.partition);
      free.add(slot.index);
    },
    slotOf(sessionId) {
      return bySession.get(sessionId) ?? null;
    },
    inUse() {
      return options.size - free.size;
    },
  };
}

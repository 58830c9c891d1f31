/**
 * A fixed pool of storefront partitions. Electron never frees a session once created, so
 * sessions reuse a small set of in-memory partitions (no `persist:` prefix: nothing reaches
 * disk) and each is wiped, and checked empty, before anyone else may take it. A partition whose
 * wipe or check failed is retired for good: its slot gets a partition never used before.
 */

export interface PartitionSlot {
  readonly index: number;
  /** The Electron partition name: `assist-slot-<index>`, then `assist-slot-<index>-<n>` after a retirement. */
  readonly partition: string;
}

/**
 * Removes everything a partition holds (cookies, storage, caches, auth, service workers) and
 * checks that nothing is left; rejects when it could not or something survived.
 */
export type PartitionWiper = (partition: string) => Promise<void>;

export interface PartitionPool {
  readonly size: number;
  /** A free slot for this session, or null when every slot is in use (or still being wiped). */
  acquire(sessionId: string): PartitionSlot | null;
  /**
   * Wipes the session's slot and returns it to the pool; a no-op for a session without one. When
   * the wipe rejects, the slot comes back on a fresh partition and the rejection is rethrown.
   */
  release(sessionId: string): Promise<void>;
  /**
   * Retires the session's partition without wiping it (its view could not be destroyed, so it
   * may still be in use) and returns the slot on a fresh partition.
   */
  retire(sessionId: string): void;
  /** Partitions retired (a failed wipe, a view that would not close); never handed out again. */
  retired(): readonly string[];
  slotOf(sessionId: string): PartitionSlot | null;
  inUse(): number;
}

export function partitionName(index: number, generation = 0): string {
  return generation === 0 ? `assist-slot-${index}` : `assist-slot-${index}-${generation}`;
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
  const generations = slots.map(() => 0);
  const retired: string[] = [];
  function retireSlot(slot: PartitionSlot): void {
    retired.push(slot.partition);
    const generation = (generations[slot.index] ?? 0) + 1;
    generations[slot.index] = generation;
    slots[slot.index] = { index: slot.index, partition: partitionName(slot.index, generation) };
  }
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
      try {
        await options.wipe(slot.partition);
      } catch (error) {
        // Handing on a partition that may still hold something could leak one customer's data
        // to the next: it is retired, and the slot continues on a partition never used before.
        retireSlot(slot);
        throw error;
      } finally {
        free.add(slot.index);
      }
    },
    retire(sessionId) {
      const slot = bySession.get(sessionId);
      if (!slot) return;
      bySession.delete(sessionId);
      retireSlot(slot);
      free.add(slot.index);
    },
    retired: () => retired,
    slotOf(sessionId) {
      return bySession.get(sessionId) ?? null;
    },
    inUse() {
      return options.size - free.size;
    },
  };
}

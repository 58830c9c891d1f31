/**
 * MFA challenges handed out under guard for a wrong password or an unknown email: they look like
 * real ones and can never succeed. Async so the process-memory store can move to PostgreSQL.
 */
export interface Decoy {
  /** The email the password was tried for. */
  account: string;
  /** The staff member it belongs to, when the email is one. */
  staffId: string | null;
  expiresAt: Date;
  attempts: number;
}

export interface DecoyChallenges {
  add(tokenHash: string, decoy: Omit<Decoy, 'attempts'>, now: Date): Promise<void>;
  /** The decoy under `tokenHash`, spent or not; null when there is none or it has expired. */
  find(tokenHash: string, now: Date): Promise<Decoy | null>;
  /** Counts one code tried on the decoy; returns how many have been. */
  countAttempt(tokenHash: string): Promise<number>;
  remove(tokenHash: string): Promise<void>;
}

export function memoryDecoyChallenges(): DecoyChallenges {
  const decoys = new Map<string, Decoy>();
  // Every decoy lives as long, so the oldest expire first: dropping stops at the first live one.
  const dropExpired = (now: number) => {
    for (const [hash, decoy] of decoys) {
      if (decoy.expiresAt.getTime() > now) return;
      decoys.delete(hash);
    }
  };
  return {
    add: (tokenHash, decoy, now) => {
      dropExpired(now.getTime());
      decoys.set(tokenHash, { ...decoy, attempts: 0 });
      return Promise.resolve();
    },
    find: (tokenHash, now) => {
      const decoy = decoys.get(tokenHash);
      return Promise.resolve(decoy && decoy.expiresAt.getTime() > now.getTime() ? { ...decoy } : null);
    },
    countAttempt: (tokenHash) => {
      const decoy = decoys.get(tokenHash);
      if (decoy) decoy.attempts += 1;
      return Promise.resolve(decoy?.attempts ?? 0);
    },
    remove: (tokenHash) => {
      decoys.delete(tokenHash);
      return Promise.resolve();
    },
  };
}

import type { z } from 'zod';
import type { KeychainState as KeychainStateSchema } from '../../shared/ipc/contract';

/** Types the contract defines as schemas but does not export as types. */
export type KeychainState = z.infer<typeof KeychainStateSchema>;

import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter } from '../../../shared/ipc/contract';
import type { MirrorState } from './store';

export type ExportFormat = 'csv' | 'jsonl';

/** The calls the main thread makes to the mirror's worker, with what each returns. */
export interface MirrorOps {
  state: { args: Record<string, never>; result: MirrorState };
  ingest: { args: { after: number; page: unknown }; result: { state: MirrorState; nextAfter: number; received: number } };
  markSynced: { args: { at: string }; result: MirrorState };
  settle: { args: Record<string, never>; result: null };
  query: { args: { filter: AuditFilter; offset: number; limit: number }; result: { total: number; events: AuditEvent[] } };
  export: { args: { filter: AuditFilter; format: ExportFormat; filePath: string }; result: { count: number } };
  /** Resolves once the text index covers every stored event. */
  searchReady: { args: Record<string, never>; result: null };
  close: { args: Record<string, never>; result: null };
}

export type MirrorOp = keyof MirrorOps;

export type MirrorRequest = { [K in MirrorOp]: { id: number; op: K; args: MirrorOps[K]['args'] } }[MirrorOp];

export type MirrorResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string } };

export interface MirrorWorkerData {
  dataDir: string | null;
  bulkBacklog: number | null;
}

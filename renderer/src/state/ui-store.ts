import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditFilter } from '../../../shared/ipc/contract';

export type Screen =
  | { name: 'search' }
  | { name: 'customer'; customerId: string }
  | { name: 'session'; sessionId: string }
  | { name: 'audit' }
  | { name: 'live' }
  | { name: 'settings' };

/** What the start-session dialog was opened for: a customer, optionally one store account or one of their documents. */
export interface StartTarget {
  customerId: string;
  /** The account (store) the button belongs to: a store row's, or the document's. */
  accountId?: string;
  /**
   * The agent picked this store themselves (the store row's own "Start session"): the dialog
   * preselects it even when the shop wants the store chosen manually, since that policy is about
   * not guessing a store for the agent, not about ignoring the one they clicked.
   */
  storeChosen?: boolean;
  from?: string;
  /** The document the session starts from (of `accountId`): the storefront opens on its page. */
  documentId?: string;
}

export interface SearchState {
  text: string;
  storeId: string;
  consent: '' | 'granted' | 'not_granted';
}

export interface UiState {
  screen: Screen;
  /** The search screen's last query, kept while the agent looks at a customer. */
  search: SearchState;
  startTarget: StartTarget | null;
  auditFilter: AuditFilter;
  /** Ended sessions whose tab the agent has closed. */
  dismissed: readonly string[];
  show: (screen: Screen) => void;
  setSearch: (patch: Partial<SearchState>) => void;
  openStart: (target: StartTarget) => void;
  closeStart: () => void;
  setAuditFilter: (filter: AuditFilter) => void;
  dismiss: (sessionId: string) => void;
}

export type UiStore = StoreApi<UiState>;

export function createUiStore(initial?: Partial<Pick<UiState, 'screen' | 'search' | 'auditFilter'>>): UiStore {
  return createStore<UiState>()((set) => ({
    screen: initial?.screen ?? { name: 'search' },
    search: initial?.search ?? { text: '', storeId: '', consent: '' },
    startTarget: null,
    auditFilter: initial?.auditFilter ?? {},
    dismissed: [],
    show: (screen) => {
      set({ screen });
    },
    setSearch: (patch) => {
      set((s) => ({ search: { ...s.search, ...patch } }));
    },
    openStart: (target) => {
      set({ startTarget: target });
    },
    closeStart: () => {
      set({ startTarget: null });
    },
    setAuditFilter: (auditFilter) => {
      set({ auditFilter });
    },
    dismiss: (sessionId) => {
      set((s) => ({ dismissed: [...s.dismissed, sessionId] }));
    },
  }));
}

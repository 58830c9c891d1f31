import { useId } from 'react';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { ACTION_GROUPS } from './describe';
import { CustomerFilter, StaffFilter } from './people';

/** `datetime-local` speaks local wall time without a zone; the filter wants ISO instants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toLocal(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function set<K extends keyof AuditFilter>(filter: AuditFilter, key: K, value: AuditFilter[K] | ''): AuditFilter {
  const next = { ...filter };
  if (value === '' || value === undefined) Reflect.deleteProperty(next, key);
  else next[key] = value;
  return next;
}

/** The action list sets an action (or prefix) or a named group, never both. */
function chooseAction(filter: AuditFilter, value: string): AuditFilter {
  const group = ACTION_GROUPS.find((g) => g.value === value)?.group;
  return set(set(filter, 'action', group ? '' : value), 'actionGroup', group ?? '');
}

const actionChoice = (filter: AuditFilter) =>
  filter.actionGroup ? (ACTION_GROUPS.find((g) => g.group === filter.actionGroup)?.value ?? '') : (filter.action ?? '');

/**
 * Where a change came from: `choice` (the action list, clearing) applies at once, `typing` (an
 * id, a date) after a pause, `text` (the text box) at once from a few characters on.
 */
export type AuditFilterInput = 'choice' | 'typing' | 'text';
export type AuditFilterChange = (filter: AuditFilter, input: AuditFilterInput) => void;

export function AuditFilters({
  filter,
  onChange,
  canSeeAll,
}: {
  filter: AuditFilter;
  onChange: AuditFilterChange;
  canSeeAll: boolean;
}) {
  const id = useId();
  const idField = (key: 'sessionId', label: string) => (
    <div className="filter">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        value={filter[key] ?? ''}
        spellCheck={false}
        placeholder="any"
        onChange={(e) => {
          onChange(set(filter, key, e.target.value.trim()), 'typing');
        }}
      />
    </div>
  );
  return (
    <form
      className="filters"
      aria-label="Audit filters"
      onSubmit={(e) => {
        e.preventDefault();
      }}
    >
      <div className="filter grow">
        <label htmlFor={`${id}-text`}>Text</label>
        <input
          id={`${id}-text`}
          type="search"
          value={filter.text ?? ''}
          placeholder="name, page, reason…"
          onChange={(e) => {
            onChange(set(filter, 'text', e.target.value), 'text');
          }}
        />
      </div>
      <div className="filter">
        <label htmlFor={`${id}-action`}>Action</label>
        <select
          id={`${id}-action`}
          value={actionChoice(filter)}
          onChange={(e) => {
            onChange(chooseAction(filter, e.target.value), 'choice');
          }}
        >
          {ACTION_GROUPS.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </div>
      {canSeeAll && (
        <StaffFilter
          filter={filter}
          onPick={(staffId) => {
            onChange(set(filter, 'staffId', staffId ?? ''), 'choice');
          }}
        />
      )}
      <CustomerFilter
        filter={filter}
        onPick={(customerId) => {
          onChange(set(filter, 'customerId', customerId ?? ''), 'choice');
        }}
      />
      {idField('sessionId', 'Session ID')}
      <div className="filter">
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          value={toLocal(filter.from)}
          onChange={(e) => {
            onChange(set(filter, 'from', toIso(e.target.value)), 'typing');
          }}
        />
      </div>
      <div className="filter">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          value={toLocal(filter.to)}
          onChange={(e) => {
            onChange(set(filter, 'to', toIso(e.target.value)), 'typing');
          }}
        />
      </div>
      <button
        type="button"
        className="link"
        onClick={() => {
          onChange({}, 'choice');
        }}
        disabled={Object.keys(filter).length === 0}
      >
        Clear filters
      </button>
    </form>
  );
}

import { useId, useState, type KeyboardEvent } from 'react';

/** One person a filter can pick: shown as `label` (and `detail`), filtered by `id`. */
export interface PersonOption {
  id: string;
  label: string;
  detail: string;
}

/**
 * A filter field that finds a person by what people know them by (a name, a customer number, an
 * email) and filters by their id: type, then pick with the arrow keys and Enter, or a click.
 * Clearing the field removes the filter. While not typing it shows who is picked.
 */
export function PersonPicker({
  label,
  placeholder,
  picked,
  pickedLabel,
  text,
  onText,
  options,
  searching,
  problem,
  onPick,
}: {
  label: string;
  placeholder: string;
  /** The id filtered by, if any. */
  picked: string | undefined;
  /** How the picked person reads (null while it is being looked up). */
  pickedLabel: string | null;
  /** What is typed, null when not typing. */
  text: string | null;
  onText: (text: string | null) => void;
  options: readonly PersonOption[];
  searching: boolean;
  /** Why there are no options (the shop cannot be asked), shown under the field. */
  problem?: string | null;
  onPick: (id: string | undefined) => void;
}) {
  const id = useId();
  const [active, setActive] = useState(0);
  const open = text !== null && text.trim().length > 0;
  const shown = text ?? (picked ? (pickedLabel ?? 'Looking up…') : '');
  const choose = (option: PersonOption | undefined) => {
    if (!option) return;
    onPick(option.id);
    onText(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (options.length === 0 ? 0 : (i + step + options.length) % options.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(options[Math.min(active, options.length - 1)]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onText(null);
    }
  };
  const activeId = open && options.length > 0 ? `${id}-option-${Math.min(active, options.length - 1)}` : undefined;
  return (
    <div className="filter person-filter">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        value={shown}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        onChange={(e) => {
          setActive(0);
          const value = e.target.value;
          if (value.trim() === '') {
            onText(null);
            if (picked) onPick(undefined);
          } else onText(value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          // A click on an option lands first (mousedown is prevented below).
          onText(null);
        }}
      />
      {open && (
        <ul id={`${id}-list`} role="listbox" aria-label={`${label} matches`} className="person-options">
          {options.map((option, i) => (
            <li
              key={option.id}
              id={`${id}-option-${i}`}
              role="option"
              aria-selected={i === Math.min(active, options.length - 1)}
              onMouseDown={(e) => {
                e.preventDefault();
              }}
              onClick={() => {
                choose(option);
              }}
            >
              <span>{option.label}</span> <span className="muted small">{option.detail}</span>
            </li>
          ))}
          {options.length === 0 && (
            <li className="muted small" role="presentation">
              {searching ? 'Searching…' : (problem ?? 'No one matches')}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

import { useId } from 'react';
import type { Settings } from '../../../shared/api/settings';
import { ErrorNote } from '../ui/ErrorNote';
import { useSettingsForm } from './useSettingsForm';
import type { SettingsDraft } from './validate';

type Patch = (p: Partial<SettingsDraft>) => void;

export function SettingsForm({ initial }: { initial: Settings }) {
  const id = useId();
  const form = useSettingsForm(initial);
  const { draft, patch } = form;
  return (
    <form onSubmit={form.submit} noValidate className="settings-form">
      <AssistanceFields draft={draft} patch={patch} />
      <ChoiceFields draft={draft} patch={patch} />
      <StepUpSelect id={`${id}-stepup`} draft={draft} patch={patch} />
      <DurationFields id={id} draft={draft} patch={patch} idleError={form.idleError} maxError={form.maxError} />

      {form.formProblem && (
        <p className="error-note" role="alert">
          {form.formProblem}
        </p>
      )}
      <ErrorNote error={form.save.error} prefix="Not saved." />
      <div className="row">
        <button type="submit" className="primary" disabled={form.save.isPending}>
          {form.save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {form.saved && (
          <span role="status" className="ok-note">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function Checkbox({ checked, onChange, label }: { checked: boolean; onChange: (on: boolean) => void; label: string }) {
  return (
    <label className="inline">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => {
          onChange(e.target.checked);
        }}
      />{' '}
      {label}
    </label>
  );
}

function AssistanceFields({ draft, patch }: { draft: SettingsDraft; patch: Patch }) {
  return (
    <fieldset>
      <legend>Assistance</legend>
      <Checkbox
        checked={draft.assistanceEnabled}
        onChange={(on) => {
          patch({ assistanceEnabled: on });
        }}
        label="Assisted sessions are enabled"
      />
      <Checkbox
        checked={draft.consentRequired}
        onChange={(on) => {
          patch({ consentRequired: on });
        }}
        label="Customer consent is required"
      />
      <Checkbox
        checked={draft.notifyCustomer}
        onChange={(on) => {
          patch({ notifyCustomer: on });
        }}
        label="Tell the customer when their account was assisted"
      />
    </fieldset>
  );
}

/** A group of radio buttons, one per choice. */
function RadioGroup<T extends string>({
  legend,
  name,
  value,
  choices,
  onChange,
}: {
  legend: string;
  name: string;
  value: T;
  choices: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {choices.map(([choice, label]) => (
        <label className="inline" key={choice}>
          <input
            type="radio"
            name={name}
            checked={value === choice}
            onChange={() => {
              onChange(choice);
            }}
          />{' '}
          {label}
        </label>
      ))}
    </fieldset>
  );
}

function ChoiceFields({ draft, patch }: { draft: SettingsDraft; patch: Patch }) {
  return (
    <>
      <RadioGroup
        legend="Store selection"
        name="store"
        value={draft.storeSelection}
        choices={[
          ['automatic', 'Automatic (pre-selected)'],
          ['manual', 'Manual (the agent chooses)'],
        ]}
        onChange={(storeSelection) => {
          patch({ storeSelection });
        }}
      />
      <RadioGroup
        legend="Default mode"
        name="mode"
        value={draft.defaultMode}
        choices={[
          ['view', 'View only'],
          ['act', 'Act for the customer'],
        ]}
        onChange={(defaultMode) => {
          patch({ defaultMode });
        }}
      />
    </>
  );
}

function StepUpSelect({ id, draft, patch }: { id: string; draft: SettingsDraft; patch: Patch }) {
  return (
    <>
      <label htmlFor={id}>Step-up before each session</label>
      <select
        id={id}
        value={draft.stepUpPolicy}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'totp' || v === 'password' || v === 'totp_or_password') patch({ stepUpPolicy: v });
        }}
      >
        <option value="totp">Authenticator code</option>
        <option value="password">Password</option>
        <option value="totp_or_password">Authenticator code or password</option>
      </select>
    </>
  );
}

/** `id`: the form's id, which the fields' ids start with. */
function DurationFields({
  id,
  draft,
  patch,
  idleError,
  maxError,
}: {
  id: string;
  draft: SettingsDraft;
  patch: Patch;
  idleError: string | undefined;
  maxError: string | undefined;
}) {
  return (
    <div className="two-col">
      <MinutesField
        id={`${id}-idle`}
        label="Idle timeout (minutes)"
        value={draft.idleMinutes}
        error={idleError}
        onChange={(idleMinutes) => {
          patch({ idleMinutes });
        }}
      />
      <MinutesField
        id={`${id}-max`}
        label="Maximum session length (minutes)"
        value={draft.maxMinutes}
        error={maxError}
        onChange={(maxMinutes) => {
          patch({ maxMinutes });
        }}
      />
    </div>
  );
}

function MinutesField({
  id,
  label,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode="numeric"
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

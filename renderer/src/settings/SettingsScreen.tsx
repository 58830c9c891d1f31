import { useId, useState, type SyntheticEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Settings } from '../../../shared/api/settings';
import { ipcKey, useIpcMutation, useIpcQuery } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { useCan } from '../auth/useAuth';
import { ErrorNote } from '../ui/ErrorNote';
import { toDraft, validateDraft, type DraftProblems, type SettingsDraft } from './validate';

export function SettingsScreen() {
  const canManage = useCan('settings.manage');
  const settings = useIpcQuery('shop.settings', {}, { enabled: canManage });
  if (!canManage)
    return (
      <section className="page">
        <p className="info-note">Settings are for administrators.</p>
      </section>
    );
  return (
    <section className="page narrow" aria-labelledby="settings-title">
      <h1 id="settings-title">Shop settings</h1>
      {settings.isPending ? (
        <p className="empty">Loading…</p>
      ) : settings.isError ? (
        <ErrorNote error={settings.error} />
      ) : (
        <SettingsForm initial={settings.data} />
      )}
    </section>
  );
}

function SettingsForm({ initial }: { initial: Settings }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(initial));
  const [problems, setProblems] = useState<DraftProblems>({});
  const [saved, setSaved] = useState(false);
  const save = useIpcMutation('shop.saveSettings', {
    onSuccess: (value) => {
      setSaved(true);
      queryClient.setQueryData(ipcKey('shop.settings', {}), value);
      // The start-session dialog follows the policy part of the settings.
      void queryClient.invalidateQueries({ queryKey: ipcKey('shop.assistPolicy', {}) });
    },
  });
  const server = fieldMessages(save.error);
  const patch = (p: Partial<SettingsDraft>) => {
    setDraft((d) => ({ ...d, ...p }));
    setSaved(false);
  };

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    const result = validateDraft(draft);
    setProblems(result.problems ?? {});
    if (result.settings) save.mutate(result.settings);
  }

  const idleError = problems.idleMinutes ?? server.idleTimeoutSeconds;
  const maxError = problems.maxMinutes ?? server.maxSessionSeconds;

  return (
    <form onSubmit={submit} noValidate className="settings-form">
      <fieldset>
        <legend>Assistance</legend>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.assistanceEnabled}
            onChange={(e) => {
              patch({ assistanceEnabled: e.target.checked });
            }}
          />{' '}
          Assisted sessions are enabled
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.consentRequired}
            onChange={(e) => {
              patch({ consentRequired: e.target.checked });
            }}
          />{' '}
          Customer consent is required
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.notifyCustomer}
            onChange={(e) => {
              patch({ notifyCustomer: e.target.checked });
            }}
          />{' '}
          Tell the customer when their account was assisted
        </label>
      </fieldset>

      <fieldset>
        <legend>Store selection</legend>
        <label className="inline">
          <input
            type="radio"
            name="store"
            checked={draft.storeSelection === 'automatic'}
            onChange={() => {
              patch({ storeSelection: 'automatic' });
            }}
          />{' '}
          Automatic (pre-selected)
        </label>
        <label className="inline">
          <input
            type="radio"
            name="store"
            checked={draft.storeSelection === 'manual'}
            onChange={() => {
              patch({ storeSelection: 'manual' });
            }}
          />{' '}
          Manual (the agent chooses)
        </label>
      </fieldset>

      <fieldset>
        <legend>Default mode</legend>
        <label className="inline">
          <input
            type="radio"
            name="mode"
            checked={draft.defaultMode === 'view'}
            onChange={() => {
              patch({ defaultMode: 'view' });
            }}
          />{' '}
          View only
        </label>
        <label className="inline">
          <input
            type="radio"
            name="mode"
            checked={draft.defaultMode === 'act'}
            onChange={() => {
              patch({ defaultMode: 'act' });
            }}
          />{' '}
          Act for the customer
        </label>
      </fieldset>

      <label htmlFor={`${id}-stepup`}>Step-up before each session</label>
      <select
        id={`${id}-stepup`}
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

      <div className="two-col">
        <div>
          <label htmlFor={`${id}-idle`}>Idle timeout (minutes)</label>
          <input
            id={`${id}-idle`}
            inputMode="numeric"
            value={draft.idleMinutes}
            onChange={(e) => {
              patch({ idleMinutes: e.target.value });
            }}
            aria-invalid={Boolean(idleError)}
            aria-describedby={idleError ? `${id}-idle-error` : undefined}
          />
          {idleError && (
            <p id={`${id}-idle-error`} className="field-error">
              {idleError}
            </p>
          )}
        </div>
        <div>
          <label htmlFor={`${id}-max`}>Maximum session length (minutes)</label>
          <input
            id={`${id}-max`}
            inputMode="numeric"
            value={draft.maxMinutes}
            onChange={(e) => {
              patch({ maxMinutes: e.target.value });
            }}
            aria-invalid={Boolean(maxError)}
            aria-describedby={maxError ? `${id}-max-error` : undefined}
          />
          {maxError && (
            <p id={`${id}-max-error`} className="field-error">
              {maxError}
            </p>
          )}
        </div>
      </div>

      {problems.form && (
        <p className="error-note" role="alert">
          {problems.form}
        </p>
      )}
      <ErrorNote error={save.error} prefix="Not saved." />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {saved && (
          <span role="status" className="ok-note">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

import { useState, type SyntheticEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Settings } from '../../../shared/api/settings';
import { useBridge, useIpcMutation } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { shopQueries } from '../state/queries';
import { refreshAfterChange } from '../state/refresh';
import { toDraft, validateDraft, type DraftProblems, type SettingsDraft } from './validate';

/** The settings form's draft, its problems (ours, then the shop's per field) and saving it. */
export function useSettingsForm(initial: Settings) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(initial));
  const [problems, setProblems] = useState<DraftProblems>({});
  const [saved, setSaved] = useState(false);
  const save = useIpcMutation('shop.saveSettings', {
    onSuccess: (value) => {
      setSaved(true);
      queryClient.setQueryData(shopQueries.settings(bridge).queryKey, value);
      // The start-session dialog follows the policy part of the settings.
      void refreshAfterChange(queryClient, shopQueries.assistPolicy(bridge).queryKey);
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

  return {
    draft,
    patch,
    submit,
    saved,
    save,
    formProblem: problems.form,
    idleError: problems.idleMinutes ?? server.idleTimeoutSeconds,
    maxError: problems.maxMinutes ?? server.maxSessionSeconds,
  };
}

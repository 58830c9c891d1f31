import { useQuery } from '@tanstack/react-query';
import { useBridge } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { shopQueries } from '../state/queries';
import { QueryState } from '../ui/QueryState';
import { SettingsForm } from './SettingsForm';

export function SettingsScreen() {
  const canManage = useCan('settings.manage');
  const bridge = useBridge();
  const settings = useQuery({ ...shopQueries.settings(bridge), enabled: canManage });
  if (!canManage)
    return (
      <section className="page">
        <p className="info-note">Settings are for administrators.</p>
      </section>
    );
  return (
    <section className="page narrow" aria-labelledby="settings-title">
      <h1 id="settings-title">Shop settings</h1>
      <QueryState query={settings}>{(initial) => <SettingsForm initial={initial} />}</QueryState>
    </section>
  );
}

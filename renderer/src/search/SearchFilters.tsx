import type { Store } from '../../../shared/api/shop';
import { useUi } from '../state/context';

/** Narrows the search to one store and to customers with or without consent; `id` starts the selects' ids. */
export function SearchFilters({ id, stores }: { id: string; stores: readonly Store[] }) {
  const search = useUi((s) => s.search);
  const setSearch = useUi((s) => s.setSearch);
  return (
    <>
      <label htmlFor={`${id}-store`}>Store</label>
      <select
        id={`${id}-store`}
        value={search.storeId}
        onChange={(e) => {
          setSearch({ storeId: e.target.value });
        }}
      >
        <option value="">All stores</option>
        {stores.map((store) => (
          <option key={store.id} value={store.id}>
            {store.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-consent`}>Consent</label>
      <select
        id={`${id}-consent`}
        value={search.consent}
        onChange={(e) => {
          const value = e.target.value;
          setSearch({ consent: value === 'granted' || value === 'not_granted' ? value : '' });
        }}
      >
        <option value="">Any</option>
        <option value="granted">Granted</option>
        <option value="not_granted">Not granted</option>
      </select>
    </>
  );
}

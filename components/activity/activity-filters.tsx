import { FilterForm } from '@/components/filter-form';
import { ENV_NAMES } from '@/lib/ui/environments';

export interface ActivityFilterValues {
  test?: string;
  user?: string;
  issue?: string;
  env?: string;
}

/** Activity by test, user, issue and environment. */
export function ActivityFilters({ values }: { values: ActivityFilterValues }) {
  return (
    <FilterForm
      action="/activity"
      label="Filter activity"
      idPrefix="activity"
      values={{ ...values }}
      fields={[
        { kind: 'text', name: 'test', label: 'Test', placeholder: 'exact test name' },
        { kind: 'text', name: 'user', label: 'User', placeholder: 'user name' },
        { kind: 'text', name: 'issue', label: 'Issue', placeholder: 'PROTEST-12' },
        { kind: 'select', name: 'env', label: 'Environment', anyLabel: 'all', options: ENV_NAMES },
      ]}
    />
  );
}

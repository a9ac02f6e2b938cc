import Link from 'next/link';
import { EnvBadge } from '@/components/env-badge';
import { ENV_NAMES, type EnvName } from '@/lib/ui/environments';
import { focusRing } from '@/lib/ui/styles';

/** One badge link per environment to the same tab of the test page; the shown one is marked. */
export function EnvLinks({ name, tab, current }: { name: string; tab: string; current: EnvName | null }) {
  const base = `/tests/${encodeURIComponent(name)}`;
  return ENV_NAMES.map((candidate) => (
    <Link key={candidate} href={`${base}?tab=${tab}&env=${candidate}`} aria-current={candidate === current ? 'page' : undefined} className={`rounded p-0.5 ${candidate === current ? 'ring-2 ring-blue-600 dark:ring-blue-300' : ''} ${focusRing}`}>
      <EnvBadge env={candidate} />
    </Link>
  ));
}

import type { TestView } from '@/lib/services/read-tests';
import { ENV_NAMES } from '@/lib/ui/environments';
import { EnvironmentColumn, sectionKeys, type OverviewSection } from './environment-column';

/** trunk, qa and production side by side; sections that differ from trunk are highlighted. */
export function OverviewPanel({ view }: { view: TestView }) {
  const trunkKeys = sectionKeys(view.envs.trunk?.definition ?? null);
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {ENV_NAMES.map((env) => {
        const read = view.envs[env];
        const keys = sectionKeys(read?.definition ?? null);
        const differs = Object.fromEntries(
          (Object.keys(keys) as OverviewSection[]).map((section) => [section, env !== 'trunk' && !!read?.definition && !!view.envs.trunk?.definition && keys[section] !== trunkKeys[section]]),
        ) as Record<OverviewSection, boolean>;
        return <EnvironmentColumn key={env} env={env} read={read} differs={differs} sourceTrunkRevision={env === 'trunk' ? undefined : view.live[env].sourceTrunkRevision} />;
      })}
    </div>
  );
}

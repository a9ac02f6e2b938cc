import type { TestView } from '@/lib/services/read-tests';
import { ENV_NAMES } from '@/lib/ui/environments';
import { EnvironmentColumn, fieldsDifferingFrom, NO_DIFFERENCES } from './environment-column';

/** trunk, qa and production side by side; the fields that differ from trunk are named and highlighted. */
export function OverviewPanel({ view }: { view: TestView }) {
  const trunk = view.envs.trunk?.definition ?? null;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {ENV_NAMES.map((env) => {
        const read = view.envs[env];
        const differs = env !== 'trunk' && read?.definition && trunk ? fieldsDifferingFrom(trunk, read.definition) : NO_DIFFERENCES;
        return <EnvironmentColumn key={env} env={env} read={read} differs={differs} sourceTrunkRevision={env === 'trunk' ? undefined : view.live[env].sourceTrunkRevision} />;
      })}
    </div>
  );
}

import { ENV_BADGE, type EnvName } from '@/lib/ui/environments';

/** A coloured environment name; production is red, bold and upper-case wherever it appears. */
export function EnvBadge({ env, children }: { env: EnvName; children?: React.ReactNode }) {
  return (
    <span className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs ${ENV_BADGE[env]}`} data-env={env}>
      {env}
      {children}
    </span>
  );
}

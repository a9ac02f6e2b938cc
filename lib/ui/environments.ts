/** Environment names and colours used everywhere: trunk slate, qa amber, production red (unmistakable). */
import { ENVIRONMENTS, isEnvironment, type Environment } from '@/lib/domain/environment';

export type EnvName = Environment;

export const ENV_NAMES: readonly EnvName[] = ENVIRONMENTS;

export const ENV_LABEL: Record<EnvName, string> = { trunk: 'trunk', qa: 'qa', production: 'production' };

/** Badge classes: solid colour with white text (contrast ≥ 4.5:1 on each). */
export const ENV_BADGE: Record<EnvName, string> = {
  trunk: 'bg-slate-600 text-white',
  qa: 'bg-amber-700 text-white',
  production: 'bg-red-700 text-white font-bold uppercase tracking-wide',
};

/** Column/card header stripe. */
export const ENV_BORDER: Record<EnvName, string> = {
  trunk: 'border-t-4 border-t-slate-500 dark:border-t-slate-400',
  qa: 'border-t-4 border-t-amber-500 dark:border-t-amber-500',
  production: 'border-t-8 border-t-red-600 dark:border-t-red-600',
};

export const isEnvName: (value: unknown) => value is EnvName = isEnvironment;

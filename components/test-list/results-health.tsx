'use client';
/**
 * Results health on the tests list (issue #20): per test and environment a badge in words — traffic split off (SRM),
 * not enough data, significant result — read once per page from GET /api/v1/results-health. Words and an icon, not
 * colour alone.
 */
import { createContext, useContext, useEffect, useState } from 'react';
import { api, type ResultsHealthValue } from '@/lib/ui/api';
import { HEALTH_WORDS } from '@/lib/ui/results-format';
import type { Environment } from '@/lib/domain/environment';

const HealthContext = createContext<Map<string, ResultsHealthValue> | null>(null);

export function ResultsHealthProvider({ children }: { children: React.ReactNode }) {
  const [health, setHealth] = useState<Map<string, ResultsHealthValue> | null>(null);
  useEffect(() => {
    let live = true;
    api.resultsHealth().then(
      (r) => live && setHealth(new Map(r.tests.map((t) => [`${t.testName}\n${t.environment}`, t.health]))),
      () => undefined, // no badges rather than an error on the list: the Results tab says what is wrong
    );
    return () => {
      live = false;
    };
  }, []);
  return <HealthContext.Provider value={health}>{children}</HealthContext.Provider>;
}

/** Only what needs attention or news is shown: 'ok' and 'no-data' stay quiet. */
const SHOWN: Partial<Record<ResultsHealthValue, { icon: string; className: string }>> = {
  srm: { icon: '⚠', className: 'border-red-400 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100' },
  'not-enough-data': { icon: '…', className: 'border-slate-300 bg-slate-50 text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100' },
  significant: { icon: '★', className: 'border-emerald-400 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100' },
};

export function ResultsHealthBadges({ testName, environments }: { testName: string; environments: readonly Environment[] }) {
  const health = useContext(HealthContext);
  if (!health) return null;
  const shown = environments.flatMap((env) => {
    const value = health.get(`${testName}\n${env}`);
    const style = value && SHOWN[value];
    return value && style ? [{ env, value, style }] : [];
  });
  if (shown.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-1 text-xs" aria-label={`Results of ${testName}`}>
      {shown.map(({ env, value, style }) => (
        <li key={env}>
          <a href={`/tests/${encodeURIComponent(testName)}?tab=results&env=${env}`} className={`inline-block rounded border px-1.5 py-0.5 ${style.className}`} data-health={value} data-env={env}>
            <span aria-hidden="true">{style.icon} </span>
            {env}: {HEALTH_WORDS[value]}
          </a>
        </li>
      ))}
    </ul>
  );
}

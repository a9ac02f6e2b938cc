/**
 * An SRM onset is commented on the test's current issue (the last change of the test on that environment made under an
 * issue) ONCE per (test, environment, phase): the row in ResultsSrmNotice is claimed first (ON CONFLICT DO NOTHING),
 * so of two results computed at once only one comments; if the comment fails the claim is released for the next try.
 * Checked whenever results are computed (the Results tab, the history, the tests list's health badges).
 */
import type { PhaseView } from '@/lib/stats';
import type { ServiceDeps } from './service-deps';
import type { TestTimeline } from './results-phases';

export const SRM_NOTICE_AUTHOR = 'proctor-studio';

export async function announceSrmOnset(deps: Pick<ServiceDeps, 'prisma' | 'tracker' | 'config' | 'logger'>, testName: string, environment: string, phase: PhaseView, timeline: TestTimeline): Promise<string | null> {
  if (phase.srm.level !== 'mismatch') return null;
  const issueKey = [...timeline.revisions].reverse().find((r) => r.issueKey)?.issueKey ?? null;
  if (!issueKey) return null;
  const phaseStart = phase.startedBy?.definitionVersion ?? '';
  const claimed = await deps.prisma.resultsSrmNotice.createMany({ data: [{ testName, environment, phaseStart, issueKey }], skipDuplicates: true });
  if (claimed.count === 0) return null;
  const observed = Object.entries(phase.srm.observed).map(([b, n]) => `bucket ${b}: ${n} units (expected ${Math.round(phase.srm.expected[b] ?? 0)})`).join('; ');
  const link = deps.config.publicUrl ? ` ${deps.config.publicUrl.replace(/\/+$/, '')}/tests/${encodeURIComponent(testName)}` : '';
  const body =
    `Sample-ratio mismatch in ${testName} on ${environment} (phase ${phase.index + 1}): the units per bucket do not match the configured allocation ` +
    `(chi-square p = ${phase.srm.pValue === null ? 'n/a' : phase.srm.pValue.toExponential(2)}; ${observed}). ` +
    `Results are not trustworthy until the cause is found — usually exposures logged on one bucket's code path only.${link}`;
  try {
    await deps.tracker.comment(issueKey, body, SRM_NOTICE_AUTHOR);
    return issueKey;
  } catch (error) {
    await deps.prisma.resultsSrmNotice.deleteMany({ where: { testName, environment, phaseStart } });
    deps.logger?.warn('SRM comment failed; will retry at the next results', { testName, environment, issueKey, error: (error as Error).message });
    return null;
  }
}

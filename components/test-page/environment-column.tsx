import { AllocationBar, BucketLegend } from '@/components/allocation-bar';
import { EnvBadge } from '@/components/env-badge';
import type { TestDefinition } from '@/lib/proctor/model';
import type { DefinitionRead } from '@/lib/store';
import { ENV_BORDER, type EnvName } from '@/lib/ui/environments';
import { percent, shortRevision } from '@/lib/ui/format';
import { cardClass } from '@/lib/ui/styles';

export type OverviewSection = 'buckets' | 'allocations' | 'rule' | 'constants' | 'settings';

/** The parts of a definition compared across environments, as comparable strings. */
export function sectionKeys(definition: TestDefinition | null): Record<OverviewSection, string> {
  const d = definition;
  return {
    buckets: JSON.stringify(d?.buckets ?? null),
    allocations: JSON.stringify(d?.allocations ?? null),
    rule: JSON.stringify(d?.rule ?? null),
    constants: JSON.stringify([d?.constants ?? null, d?.specialConstants ?? null]),
    settings: JSON.stringify([d?.testType, d?.salt, d?.description, d?.metaTags, d?.silent, d?.dependsOn]),
  };
}

function Section({ title, differs, children, id }: { title: string; differs: boolean; children: React.ReactNode; id: string }) {
  return (
    <section
      aria-labelledby={id}
      data-differs={differs ? 'true' : undefined}
      className={`mt-3 rounded p-2 ${differs ? 'bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950/40 dark:ring-amber-600' : ''}`}
    >
      <h3 id={id} className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-300">
        {title}
        {differs && <span className="rounded bg-amber-200 px-1 text-[10px] normal-case text-amber-950 dark:bg-amber-800 dark:text-amber-50">differs from trunk</span>}
      </h3>
      <div className="mt-1 text-sm">{children}</div>
    </section>
  );
}

function payloadText(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const entry = Object.entries(payload as Record<string, unknown>).find(([, value]) => value !== null && value !== undefined);
  return entry ? `${entry[0]}: ${JSON.stringify(entry[1])}` : null;
}

/** One environment's definition on the overview: buckets, allocations with percentages, rules, constants. */
export function EnvironmentColumn({ env, read, differs, sourceTrunkRevision }: { env: EnvName; read: DefinitionRead | null; differs: Record<OverviewSection, boolean>; sourceTrunkRevision?: string | null }) {
  const d = read?.definition ?? null;
  const prefix = `${env}-section`;
  return (
    <div className={`${cardClass} ${ENV_BORDER[env]} min-w-0`} data-environment={env}>
      <h2 className="flex flex-wrap items-center gap-2">
        <EnvBadge env={env} />
        <code className="text-sm">{read ? shortRevision(read.revision) : '—'}</code>
        {env !== 'trunk' && sourceTrunkRevision && <span className="text-xs text-slate-600 dark:text-slate-400">from trunk {shortRevision(sourceTrunkRevision)}</span>}
      </h2>
      {!read ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Not in {env}.</p>
      ) : !d ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">The definition cannot be read: {read.parseError}</p>
      ) : (
        <>
          <Section title="Buckets" differs={differs.buckets} id={`${prefix}-buckets`}>
            <ul className="space-y-1">
              {d.buckets.map((bucket) => (
                <li key={`${bucket.value}:${bucket.name}`}>
                  <BucketLegend buckets={[{ name: bucket.name, value: bucket.value }]} />
                  {bucket.description && <p className="pl-4 text-xs text-slate-600 dark:text-slate-400">{bucket.description}</p>}
                  {payloadText(bucket.payload) && <code className="block break-all pl-4 text-xs">{payloadText(bucket.payload)}</code>}
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Allocations" differs={differs.allocations} id={`${prefix}-allocations`}>
            <ol className="space-y-2">
              {d.allocations.map((allocation, index) => {
                const names = new Map(d.buckets.map((bucket) => [bucket.value, bucket.name]));
                const ranges = allocation.ranges.map((range) => ({ ...range, bucketName: names.get(range.bucketValue) ?? String(range.bucketValue) }));
                return (
                  <li key={index}>
                    <p className="text-xs">
                      {allocation.rule ? <code className="break-all">{allocation.rule}</code> : <span className="italic">everyone else</span>}
                      {allocation.id && <span className="ml-1 text-slate-600 dark:text-slate-400">({allocation.id})</span>}
                    </p>
                    <AllocationBar ranges={ranges} label={`${env} allocation ${index + 1}`} />
                    <p className="mt-0.5 text-xs text-slate-700 dark:text-slate-300">{ranges.map((range) => `${range.bucketName} ${percent(range.length)}`).join(' · ')}</p>
                  </li>
                );
              })}
            </ol>
          </Section>
          <Section title="Rule" differs={differs.rule} id={`${prefix}-rule`}>
            {d.rule ? <code className="break-all text-xs">{d.rule}</code> : <span className="text-xs text-slate-600 dark:text-slate-400">none (everyone eligible)</span>}
          </Section>
          <Section title="Constants" differs={differs.constants} id={`${prefix}-constants`}>
            {Object.keys(d.constants).length + Object.keys(d.specialConstants).length === 0 ? (
              <span className="text-xs text-slate-600 dark:text-slate-400">none</span>
            ) : (
              <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
                {[...Object.entries(d.constants), ...Object.entries(d.specialConstants)].map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="font-mono">{key}</dt>
                    <dd className="break-all font-mono">{JSON.stringify(value)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </Section>
          <Section title="Settings" differs={differs.settings} id={`${prefix}-settings`}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
              <dt>type</dt>
              <dd>{d.testType ?? '—'}</dd>
              <dt>salt</dt>
              <dd className="break-all font-mono">{d.salt ?? '—'}</dd>
              <dt>tags</dt>
              <dd>{d.metaTags.length ? d.metaTags.join(', ') : '—'}</dd>
              {d.dependsOn && (
                <>
                  <dt>depends on</dt>
                  <dd>
                    {d.dependsOn.testName} = {d.dependsOn.bucketValue}
                  </dd>
                </>
              )}
              {d.silent && (
                <>
                  <dt>silent</dt>
                  <dd>yes</dd>
                </>
              )}
            </dl>
          </Section>
        </>
      )}
    </div>
  );
}

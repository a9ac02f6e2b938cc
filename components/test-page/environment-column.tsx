import { AllocationBar, BucketLegend } from '@/components/allocation-bar';
import { EnvBadge } from '@/components/env-badge';
import type { TestDefinition } from '@/lib/proctor/model';
import type { DefinitionRead } from '@/lib/store';
import { ENV_BORDER, type EnvName } from '@/lib/ui/environments';
import { percent, shortRevision } from '@/lib/ui/format';
import { cardClass } from '@/lib/ui/styles';

export type OverviewSection = 'buckets' | 'allocations' | 'rule' | 'constants' | 'settings';

/** The fields of a definition compared across environments, per overview section, as comparable strings. */
export function fieldKeys(definition: TestDefinition | null): Record<OverviewSection, Record<string, string>> {
  const d = definition;
  const each = <T,>(items: T[] | undefined, key: (item: T, index: number) => string) => Object.fromEntries((items ?? []).map((item, index) => [key(item, index), JSON.stringify(item)]));
  return {
    buckets: each(d?.buckets, (bucket) => `bucket ${bucket.name}`),
    allocations: each(d?.allocations, (_allocation, index) => `allocation ${index + 1}`),
    rule: { rule: JSON.stringify(d?.rule ?? null) },
    constants: { ...each(Object.entries(d?.constants ?? {}), ([key]) => key), ...each(Object.entries(d?.specialConstants ?? {}), ([key]) => key) },
    settings: {
      type: JSON.stringify(d?.testType ?? null),
      salt: JSON.stringify(d?.salt ?? null),
      description: JSON.stringify(d?.description ?? null),
      tags: JSON.stringify(d?.metaTags ?? []),
      silent: JSON.stringify(!!d?.silent),
      'depends on': JSON.stringify(d?.dependsOn ?? null),
    },
  };
}

/** Per section, the fields (in this environment's terms) that differ from trunk: "bucket control", "salt", "allocation 2". */
export function fieldsDifferingFrom(trunk: TestDefinition, other: TestDefinition): Record<OverviewSection, string[]> {
  const a = fieldKeys(trunk);
  const b = fieldKeys(other);
  const differing = (section: OverviewSection) => [...new Set([...Object.keys(b[section]), ...Object.keys(a[section])])].filter((field) => a[section][field] !== b[section][field]);
  return { buckets: differing('buckets'), allocations: differing('allocations'), rule: differing('rule'), constants: differing('constants'), settings: differing('settings') };
}

export const NO_DIFFERENCES: Record<OverviewSection, string[]> = { buckets: [], allocations: [], rule: [], constants: [], settings: [] };

/** Marks one field that differs from trunk. */
function fieldClass(differs: boolean): string {
  return differs ? 'rounded-sm bg-amber-100 outline outline-2 outline-amber-500 dark:bg-amber-900/60 dark:outline-amber-500' : '';
}

function Section({ title, fields, children, id }: { title: string; fields: string[]; children: React.ReactNode; id: string }) {
  const differs = fields.length > 0;
  return (
    <section
      aria-labelledby={id}
      data-differs={differs ? 'true' : undefined}
      className={`mt-3 rounded p-2 ${differs ? 'bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950/40 dark:ring-amber-600' : ''}`}
    >
      <h3 id={id} className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-300">
        {title}
        {differs && <span className="rounded bg-amber-200 px-1 text-[10px] normal-case text-amber-950 dark:bg-amber-800 dark:text-amber-50" data-differing-fields={fields.join(', ')}>differs from trunk: {fields.join(', ')}</span>}
      </h3>
      <div className="mt-1 text-sm">{children}</div>
    </section>
  );
}

/** The settings rows [label, value, monospace]; labels match fieldKeys().settings. Optional ones only when set. */
function settingRows(d: TestDefinition): [string, string, boolean][] {
  const rows: [string, string, boolean][] = [
    ['type', d.testType ?? '—', false],
    ['salt', d.salt ?? '—', true],
    ['description', d.description || '—', false],
    ['tags', d.metaTags.length ? d.metaTags.join(', ') : '—', false],
  ];
  if (d.dependsOn) rows.push(['depends on', `${d.dependsOn.testName} = ${d.dependsOn.bucketValue}`, false]);
  if (d.silent) rows.push(['silent', 'yes', false]);
  return rows;
}

function payloadText(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const entry = Object.entries(payload as Record<string, unknown>).find(([, value]) => value !== null && value !== undefined);
  return entry ? `${entry[0]}: ${JSON.stringify(entry[1])}` : null;
}

/** One environment's definition on the overview: buckets, allocations with percentages, rules, constants. */
export function EnvironmentColumn({ env, read, differs, sourceTrunkRevision }: { env: EnvName; read: DefinitionRead | null; differs: Record<OverviewSection, string[]>; sourceTrunkRevision?: string | null }) {
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
          <Section title="Buckets" fields={differs.buckets} id={`${prefix}-buckets`}>
            <ul className="space-y-1">
              {d.buckets.map((bucket) => (
                <li key={`${bucket.value}:${bucket.name}`} className={fieldClass(differs.buckets.includes(`bucket ${bucket.name}`))} data-differs-field={differs.buckets.includes(`bucket ${bucket.name}`) || undefined}>
                  <BucketLegend buckets={[{ name: bucket.name, value: bucket.value }]} />
                  {bucket.description && <p className="pl-4 text-xs text-slate-600 dark:text-slate-400">{bucket.description}</p>}
                  {payloadText(bucket.payload) && <code className="block break-all pl-4 text-xs">{payloadText(bucket.payload)}</code>}
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Allocations" fields={differs.allocations} id={`${prefix}-allocations`}>
            <ol className="space-y-2">
              {d.allocations.map((allocation, index) => {
                const names = new Map(d.buckets.map((bucket) => [bucket.value, bucket.name]));
                const ranges = allocation.ranges.map((range) => ({ ...range, bucketName: names.get(range.bucketValue) ?? String(range.bucketValue) }));
                return (
                  <li key={index} className={fieldClass(differs.allocations.includes(`allocation ${index + 1}`))} data-differs-field={differs.allocations.includes(`allocation ${index + 1}`) || undefined}>
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
          <Section title="Rule" fields={differs.rule} id={`${prefix}-rule`}>
            {d.rule ? <code className="break-all text-xs">{d.rule}</code> : <span className="text-xs text-slate-600 dark:text-slate-400">none (everyone eligible)</span>}
          </Section>
          <Section title="Constants" fields={differs.constants} id={`${prefix}-constants`}>
            {Object.keys(d.constants).length + Object.keys(d.specialConstants).length === 0 ? (
              <span className="text-xs text-slate-600 dark:text-slate-400">none</span>
            ) : (
              <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
                {[...Object.entries(d.constants), ...Object.entries(d.specialConstants)].map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className={`font-mono ${fieldClass(differs.constants.includes(key))}`}>{key}</dt>
                    <dd className={`break-all font-mono ${fieldClass(differs.constants.includes(key))}`} data-differs-field={differs.constants.includes(key) || undefined}>{JSON.stringify(value)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </Section>
          <Section title="Settings" fields={differs.settings} id={`${prefix}-settings`}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs">
              {settingRows(d).map(([label, value, mono]) => {
                const marked = differs.settings.includes(label);
                return (
                  <div key={label} className="contents">
                    <dt className={fieldClass(marked)}>{label}</dt>
                    <dd className={`min-w-0 break-words ${mono ? 'font-mono' : ''} ${fieldClass(marked)}`} data-differs-field={marked || undefined} data-setting={label}>{value}</dd>
                  </div>
                );
              })}
            </dl>
          </Section>
        </>
      )}
    </div>
  );
}

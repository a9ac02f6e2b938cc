'use client';
/** The structured view: every field of a Proctor definition (FACTS §1.2), edited through immutable edits. */
import { memo, useCallback, useState } from 'react';
import { AllocationBar } from '@/components/allocation-bar';
import { rangesBefore, sumsToWhole } from '@/lib/editor/allocation-drift-issues';
import * as edits from '@/lib/editor/definition-edits';
import { followRowKeys } from '@/lib/editor/row-keys';
import {
  defaultPayload,
  formatJsonValue,
  formatList,
  formatPayloadValue,
  lengthToPercent,
  parseBucketValue,
  parseInteger,
  parseJsonValue,
  parseList,
  parsePayloadValue,
  payloadTypeOf,
  percentToLength,
} from '@/lib/editor/form-values';
import { isRegisteredTestType, PAYLOAD_TYPES, REGISTERED_TEST_TYPES, type Allocation, type JsonValue, type Payload, type PayloadType, type Range, type TestBucket, type TestDefinition } from '@/lib/proctor';
import { buttonClass, inputClass } from '@/lib/ui/styles';
import { DriftPreview } from './drift-preview';
import { Field, IssueMessages, ParsedInput, Section, useIssuesAt } from './editor-fields';
import { RuleInput } from './rule-input';

export type Update = (change: (def: TestDefinition) => TestDefinition) => void;

const small = `${buttonClass} !px-2 !py-0.5 text-xs`;
const ok = <T,>(value: T) => ({ ok: true as const, value });

function Checkbox({ label, checked, onChange, path }: { label: string; checked: boolean; onChange: (v: boolean) => void; path: string }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-path={path} className="h-4 w-4" />
      {label}
    </label>
  );
}

function GeneralSection({ def, update }: { def: TestDefinition; update: Update }) {
  const countries = def.specialConstants.__COUNTRIES;
  return (
    <Section title="General">
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Description" path="/description" className="md:col-span-2">
          {(p) => <input {...p} className={`${inputClass} w-full`} value={def.description ?? ''} onChange={(e) => update((d) => edits.setField(d, 'description', e.target.value))} />}
        </Field>
        <Field label="Test type" path="/testType">
          {(p) => (
            <select {...p} className={`${inputClass} w-full`} value={def.testType ?? ''} onChange={(e) => update((d) => edits.setField(d, 'testType', e.target.value === '' ? null : e.target.value))}>
              {/* A type Proctor does not know (typed in the JSON) stays visible, marked, until another is chosen. */}
              {!isRegisteredTestType(def.testType) && <option value={def.testType ?? ''}>{def.testType ? `${def.testType} (not a Proctor type)` : 'Choose a type'}</option>}
              {REGISTERED_TEST_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Salt" path="/salt" hint="Users are assigned by hashing the salt with their id; tests sharing a salt assign in lockstep.">
          {(p) => <input {...p} className={`${inputClass} w-full font-mono`} value={def.salt ?? ''} onChange={(e) => update((d) => edits.setField(d, 'salt', e.target.value))} />}
        </Field>
        <div className="md:col-span-2">
          <RuleInput label="Test rule (who is eligible)" path="/rule" value={def.rule} placeholder="e.g. lang == 'en' && country == 'US'" onChange={(rule) => update((d) => edits.setField(d, 'rule', rule))} />
        </div>
        <Field label="Countries (__COUNTRIES)" path="/specialConstants/__COUNTRIES" hint="Comma-separated country codes; empty = every country.">
          {(p) => (
            <ParsedInput
              {...p}
              className="w-full font-mono"
              value={Array.isArray(countries) ? (countries as string[]) : null}
              format={(v) => (v ? formatList(v) : '')}
              parse={(t) => ok(t.trim() === '' ? null : parseList(t).map((c) => c.toUpperCase()))}
              onCommit={(v) => update((d) => edits.setCountries(d, v))}
            />
          )}
        </Field>
        <Field label="Meta tags" path="/metaTags" hint="Comma-separated tags for filtering.">
          {(p) => (
            <ParsedInput {...p} className="w-full" value={def.metaTags} format={formatList} parse={(t) => ok(parseList(t))} onCommit={(v) => update((d) => edits.setField(d, 'metaTags', v))} />
          )}
        </Field>
      </div>
      <fieldset className="mt-3 flex flex-wrap gap-x-6 gap-y-2">
        <legend className="sr-only">Flags</legend>
        <Checkbox label="Silent (do not log)" path="/silent" checked={def.silent} onChange={(v) => update((d) => edits.setField(d, 'silent', v))} />
        <Checkbox label="Evaluate for incognito users" path="/evaluateForIncognitoUsers" checked={def.evaluateForIncognitoUsers} onChange={(v) => update((d) => edits.setField(d, 'evaluateForIncognitoUsers', v))} />
        <Checkbox label="Enable unitless allocations" path="/enableUnitlessAllocations" checked={def.enableUnitlessAllocations} onChange={(v) => update((d) => edits.setField(d, 'enableUnitlessAllocations', v))} />
        <Checkbox label="Force logging" path="/forceLogging" checked={def.forceLogging} onChange={(v) => update((d) => edits.setField(d, 'forceLogging', v))} />
      </fieldset>
    </Section>
  );
}

const AdvancedSection = memo(function AdvancedSection({ dep, pec, update }: { dep: TestDefinition['dependsOn']; pec: TestDefinition['payloadExperimentConfig']; update: Update }) {
  return (
    <Section title="Dependencies and payload experiments">
      <div className="grid gap-3 md:grid-cols-2">
        <fieldset className="rounded border border-slate-200 p-2 dark:border-slate-700">
          <legend className="px-1 text-xs font-medium">Depends on (only evaluated when the parent test gives this bucket)</legend>
          <Checkbox label="Depends on another test" path="/dependsOn" checked={dep !== null} onChange={(v) => update((d) => edits.setField(d, 'dependsOn', v ? { testName: '', bucketValue: 0 } : null))} />
          {dep && (
            <div className="mt-2 grid grid-cols-2 gap-2">
              <Field label="Parent test" path="/dependsOn/testName">
                {(p) => <input {...p} className={`${inputClass} w-full font-mono`} value={dep.testName} onChange={(e) => update((d) => edits.setField(d, 'dependsOn', { ...d.dependsOn!, testName: e.target.value }))} />}
              </Field>
              <Field label="Parent bucket value" path="/dependsOn/bucketValue">
                {(p) => <ParsedInput {...p} className="w-full" value={dep.bucketValue} format={String} parse={parseInteger} onCommit={(v) => update((d) => edits.setField(d, 'dependsOn', { ...d.dependsOn!, bucketValue: v }))} />}
              </Field>
            </div>
          )}
        </fieldset>
        <fieldset className="rounded border border-slate-200 p-2 dark:border-slate-700">
          <legend className="px-1 text-xs font-medium">Payload experiment config</legend>
          <Checkbox label="Payload experiment" path="/payloadExperimentConfig" checked={pec !== null} onChange={(v) => update((d) => edits.setField(d, 'payloadExperimentConfig', v ? { priority: null, namespaces: [] } : null))} />
          {pec && (
            <div className="mt-2 grid grid-cols-2 gap-2">
              <Field label="Priority" path="/payloadExperimentConfig/priority">
                {(p) => (
                  <input {...p} className={`${inputClass} w-full`} value={pec.priority ?? ''} onChange={(e) => update((d) => edits.setField(d, 'payloadExperimentConfig', { ...d.payloadExperimentConfig!, priority: e.target.value === '' ? null : e.target.value }))} />
                )}
              </Field>
              <Field label="Namespaces" path="/payloadExperimentConfig/namespaces">
                {(p) => (
                  <ParsedInput {...p} className="w-full" value={pec.namespaces} format={formatList} parse={(t) => ok(parseList(t))} onCommit={(v) => update((d) => edits.setField(d, 'payloadExperimentConfig', { ...d.payloadExperimentConfig!, namespaces: v }))} />
                )}
              </Field>
            </div>
          )}
        </fieldset>
      </div>
    </Section>
  );
});

const ConstantsSection = memo(function ConstantsSection({ constants, update }: { constants: TestDefinition['constants']; update: Update }) {
  const entries = Object.entries(constants);
  return (
    <Section
      title="Constants"
      actions={
        <button type="button" className={small} onClick={() => update((d) => edits.setConstant(d, null, edits.freshConstantName(d), ''))}>
          Add constant
        </button>
      }
    >
      {entries.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No constants. Constants are variables the rules can use.</p>}
      <ul className="space-y-2">
        {entries.map(([key, value], i) => (
          <li key={i} className="grid grid-cols-[minmax(0,1fr)_auto] items-start gap-2 sm:grid-cols-[12rem_minmax(0,1fr)_auto]">
            <ParsedInput
              aria-label={`Constant ${i + 1} name`}
              data-path={`/constants/${key}`}
              className="w-full font-mono"
              value={key}
              format={(k) => k}
              parse={(t) => (t.trim() === '' ? { ok: false, message: 'A constant needs a name.' } : entries.some(([k], j) => j !== i && k === t) ? { ok: false, message: 'Another constant has this name.' } : ok(t))}
              onCommit={(k) => update((d) => edits.setConstant(d, key, k, d.constants[key]))}
            />
            <Field label="" path={`/constants/${key}`} className="col-span-2 row-start-2 sm:col-span-1 sm:row-start-auto">
              {(p) => (
                <ParsedInput<JsonValue>
                  {...p}
                  aria-label={`Value of constant ${key} (JSON)`}
                  className="w-full font-mono"
                  value={value}
                  format={formatJsonValue}
                  parse={parseJsonValue}
                  onCommit={(v) => update((d) => edits.setConstant(d, key, key, v))}
                />
              )}
            </Field>
            <button type="button" className={`${small} col-start-2 row-start-1 sm:col-start-auto sm:row-start-auto`} aria-label={`Remove constant ${key}`} onClick={() => update((d) => edits.removeConstant(d, key))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
});

function PathIssues({ path }: { path: string }) {
  return <IssueMessages issues={useIssuesAt(path)} />;
}

let rowKeyCount = 0;
const freshRowKey = () => `row${rowKeyCount++}`;

const BucketRow = memo(function BucketRow({ bucket, index, buckets, update }: { bucket: TestBucket; index: number; buckets: TestBucket[]; update: Update }) {
  const base = `/buckets/${index}`;
  const count = buckets.length;
  const type = payloadTypeOf(bucket.payload);
  const set = (next: TestBucket) => update((d) => edits.setBucket(d, index, next));
  // A value another bucket has is an error at the field, never committed (so never a merge of two buckets' ranges).
  const parseValue = (text: string) => parseBucketValue(buckets, index, text);
  return (
    <li className="rounded border border-slate-200 p-2 dark:border-slate-700" data-testid="bucket-row">
      <div className="grid grid-cols-[minmax(0,1fr)_5rem] items-start gap-2 sm:grid-cols-[10rem_5rem_minmax(0,1fr)_auto]">
        <Field label="Name" path={`${base}/name`}>
          {(p) => <input {...p} className={`${inputClass} w-full font-mono`} value={bucket.name} onChange={(e) => set({ ...bucket, name: e.target.value })} />}
        </Field>
        <Field label="Value" path={`${base}/value`}>
          {(p) => <ParsedInput {...p} className="w-full" value={bucket.value} format={String} parse={parseValue} onCommit={(v) => set({ ...bucket, value: v })} />}
        </Field>
        <Field label="Description" path={`${base}/description`} className="col-span-2 sm:col-span-1">
          {(p) => <input {...p} className={`${inputClass} w-full`} value={bucket.description ?? ''} onChange={(e) => set({ ...bucket, description: e.target.value })} />}
        </Field>
        <div className="col-span-2 flex gap-1 sm:col-span-1 sm:pt-4">
          <button type="button" className={small} aria-label={`Move bucket ${bucket.name} up`} disabled={index === 0} onClick={() => update((d) => edits.moveBucket(d, index, index - 1))}>
            ↑
          </button>
          <button type="button" className={small} aria-label={`Move bucket ${bucket.name} down`} disabled={index === count - 1} onClick={() => update((d) => edits.moveBucket(d, index, index + 1))}>
            ↓
          </button>
          <button type="button" className={small} aria-label={`Remove bucket ${bucket.name}`} onClick={() => update((d) => edits.removeBucket(d, index))}>
            Remove
          </button>
        </div>
      </div>
      <div className="mt-2 grid grid-cols-1 items-start gap-2 sm:grid-cols-[10rem_minmax(0,1fr)]">
        <Field label="Payload type" path={`${base}/payload`}>
          {(p) => (
            <select
              {...p}
              className={`${inputClass} w-full`}
              value={type ?? ''}
              onChange={(e) => {
                const t = e.target.value as PayloadType | '';
                const next = { ...bucket };
                if (t === '') delete next.payload;
                else next.payload = defaultPayload(t);
                set(next);
              }}
            >
              <option value="">no payload</option>
              {PAYLOAD_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        {type && (
          <Field label={`Payload (${type})`} path={`${base}/payload/${type}`}>
            {(p) => (
              <ParsedInput<Payload>
                {...p}
                className="w-full font-mono"
                multiline={type === 'map' || type === 'json'}
                value={bucket.payload!}
                format={formatPayloadValue}
                parse={(t) => parsePayloadValue(type, t)}
                onCommit={(payload) => set({ ...bucket, payload })}
              />
            )}
          </Field>
        )}
      </div>
    </li>
  );
});

const BucketsSection = memo(function BucketsSection({ buckets, update }: { buckets: TestBucket[]; update: Update }) {
  const issues = useIssuesAt('/buckets');
  // A stable key per bucket row: typing in a row (its text, its error) stays with that bucket when rows move.
  const [rows, setRows] = useState<{ buckets: TestBucket[]; keys: string[] }>({ buckets: [], keys: [] });
  let keys = rows.keys;
  if (rows.buckets !== buckets) {
    keys = followRowKeys(rows.buckets, rows.keys, buckets, freshRowKey);
    setRows({ buckets, keys });
  }
  return (
    <Section
      title={`Buckets (${buckets.length})`}
      id="buckets"
      actions={
        <button type="button" className={small} onClick={() => update(edits.addBucket)}>
          Add bucket
        </button>
      }
    >
      <IssueMessages issues={issues} />
      <ul className="space-y-2">
        {buckets.map((b, i) => (
          <BucketRow key={keys[i]} bucket={b} index={i} buckets={buckets} update={update} />
        ))}
      </ul>
    </Section>
  );
});

/** One range of an allocation; memoised so typing in one share re-renders that row, not the 50 bucket lists. */
const RangeRow = memo(function RangeRow({ range, index, ri, buckets, update }: { range: Range; index: number; ri: number; buckets: TestBucket[]; update: Update }) {
  const base = `/allocations/${index}`;
  return (
    <tr data-testid="range-row">
      <td className="py-0.5 pr-2">
        <select
          aria-label={`Allocation ${index + 1} range ${ri + 1} bucket`}
          data-path={`${base}/ranges/${ri}/bucketValue`}
          className={`${inputClass} w-full min-w-0`}
          value={range.bucketValue}
          onChange={(e) => update((d) => edits.setRange(d, index, ri, { bucketValue: Number(e.target.value) }))}
        >
          {!buckets.some((b) => b.value === range.bucketValue) && <option value={range.bucketValue}>unknown bucket {range.bucketValue}</option>}
          {buckets.map((b, bi) => (
            <option key={bi} value={b.value}>
              {b.name} ({b.value})
            </option>
          ))}
        </select>
        <PathIssues path={`${base}/ranges/${ri}/bucketValue`} />
      </td>
      <td className="py-0.5 pr-2">
        <ParsedInput
          aria-label={`Allocation ${index + 1} range ${ri + 1} percent`}
          data-path={`${base}/ranges/${ri}/length`}
          className="w-20 sm:w-28"
          value={range.length}
          format={lengthToPercent}
          parse={percentToLength}
          onCommit={(length) => update((d) => edits.setRange(d, index, ri, { length }))}
        />
      </td>
      <td className="py-0.5">
        <button type="button" className={small} aria-label={`Split range ${ri + 1} of allocation ${index + 1}`} onClick={() => update((d) => edits.splitRange(d, index, ri))}>
          Split
        </button>{' '}
        <button type="button" className={small} aria-label={`Move range ${ri + 1} of allocation ${index + 1} up`} disabled={ri === 0} onClick={() => update((d) => edits.moveRange(d, index, ri, ri - 1))}>
          ↑
        </button>{' '}
        <button type="button" className={small} aria-label={`Remove range ${ri + 1} of allocation ${index + 1}`} onClick={() => update((d) => edits.removeRange(d, index, ri))}>
          Remove
        </button>
      </td>
    </tr>
  );
});

const AllocationEditor = memo(function AllocationEditor({
  allocation,
  index,
  count,
  buckets,
  before,
  running,
  update,
}: {
  allocation: Allocation;
  index: number;
  count: number;
  buckets: TestBucket[];
  before: Range[] | null;
  running: boolean;
  update: Update;
}) {
  const base = `/allocations/${index}`;
  const sum = edits.rangeSum(allocation.ranges);
  const sumOk = sumsToWhole(allocation.ranges);
  const rangesIssues = useIssuesAt(`${base}/ranges`);
  const nameOf = (v: number) => buckets.find((b) => b.value === v)?.name ?? `unknown ${v}`;
  const setRanges = useCallback((ranges: Range[]) => update((d) => edits.setAllocationRanges(d, index, ranges)), [update, index]);
  return (
    <li className="rounded border border-slate-200 p-3 dark:border-slate-700" data-testid="allocation" aria-label={`Allocation ${index + 1}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">
          Allocation {index + 1} {allocation.id && <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{allocation.id}</span>}
        </h3>
        <div className="flex gap-1">
          <button type="button" className={small} aria-label={`Move allocation ${index + 1} up`} disabled={index === 0} onClick={() => update((d) => edits.moveAllocation(d, index, index - 1))}>
            ↑
          </button>
          <button type="button" className={small} aria-label={`Move allocation ${index + 1} down`} disabled={index === count - 1} onClick={() => update((d) => edits.moveAllocation(d, index, index + 1))}>
            ↓
          </button>
          <button type="button" className={small} aria-label={`Remove allocation ${index + 1}`} onClick={() => update((d) => edits.removeAllocation(d, index))}>
            Remove
          </button>
        </div>
      </div>
      <div className="mt-2 grid gap-2 md:grid-cols-[1fr_12rem]">
        <RuleInput
          label={`Allocation ${index + 1} rule`}
          path={`${base}/rule`}
          value={allocation.rule}
          placeholder={index === count - 1 ? 'empty = everyone else' : "e.g. country == 'US'"}
          onChange={(rule) => update((d) => edits.setAllocationRule(d, index, rule))}
        />
        <Field label="Name" path={`${base}/name`}>
          {(p) => <input {...p} className={`${inputClass} w-full`} value={allocation.name} onChange={(e) => update((d) => edits.setAllocationName(d, index, e.target.value))} />}
        </Field>
      </div>
      <div className="mt-2">
        <AllocationBar ranges={allocation.ranges.map((r) => ({ bucketValue: r.bucketValue, bucketName: nameOf(r.bucketValue), length: r.length }))} label={`Allocation ${index + 1}`} />
      </div>
      <table className="mt-2 w-full text-sm">
        <caption className="sr-only">Ranges of allocation {index + 1}</caption>
        <thead>
          <tr className="text-left text-xs text-slate-600 dark:text-slate-400">
            <th className="py-1 font-medium">Bucket</th>
            <th className="py-1 font-medium">Share (%)</th>
            <th className="py-1 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {allocation.ranges.map((r, ri) => (
            <RangeRow key={ri} range={r} index={index} ri={ri} buckets={buckets} update={update} />
          ))}
        </tbody>
      </table>
      <div className="mt-1 flex items-center justify-between">
        <button type="button" className={small} onClick={() => update((d) => edits.addRange(d, index))}>
          Add range
        </button>
        <output className={`text-sm font-medium ${sumOk ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}`} aria-live="polite" data-testid="range-sum">
          Sum: {lengthToPercent(sum)}% {sumOk ? '' : '(must be 100%)'}
        </output>
      </div>
      <IssueMessages issues={rangesIssues} />
      {before && <DriftPreview before={before} after={allocation.ranges} buckets={buckets} running={running} onApply={setRanges} />}
    </li>
  );
});

const AllocationsSection = memo(function AllocationsSection({
  allocations,
  buckets,
  base,
  running,
  update,
}: {
  allocations: Allocation[];
  buckets: TestBucket[];
  base: TestDefinition | null;
  running: boolean;
  update: Update;
}) {
  const issues = useIssuesAt('/allocations');
  return (
    <Section
      title={`Allocations (${allocations.length})`}
      id="allocations"
      actions={
        <button type="button" className={small} onClick={() => update(edits.addAllocation)}>
          Add allocation
        </button>
      }
    >
      <IssueMessages issues={issues} />
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">The first allocation whose rule matches a user decides their bucket; the last may have an empty rule (everyone else).</p>
      <ol className="space-y-3">
        {allocations.map((a, i) => (
          <AllocationEditor key={i} allocation={a} index={i} count={allocations.length} buckets={buckets} before={rangesBefore(base, a, i)} running={running} update={update} />
        ))}
      </ol>
    </Section>
  );
});

export function DefinitionForm({ definition, base, running, update }: { definition: TestDefinition; base: TestDefinition | null; running: boolean; update: Update }) {
  return (
    <div className="space-y-4" data-testid="definition-form">
      <GeneralSection def={definition} update={update} />
      {/* Each section gets only its part of the definition, so an edit re-renders the section it touches. */}
      <BucketsSection buckets={definition.buckets} update={update} />
      <AllocationsSection allocations={definition.allocations} buckets={definition.buckets} base={base} running={running} update={update} />
      <ConstantsSection constants={definition.constants} update={update} />
      <AdvancedSection dep={definition.dependsOn} pec={definition.payloadExperimentConfig} update={update} />
    </div>
  );
}

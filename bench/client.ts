/**
 * Client overhead of event logging (issue #19): `activate(test)` against `getGroups` for the same single test, per call
 * in ns, measured interleaved in the same run (the baseline is the assignment without logging); and the client's heap
 * with the event queue full (default bound, 10,000 events, plus the exposure dedupe keys) against the same client with
 * events off. The matrix is bench/determine-groups.ts's 500-test one, from a file; the events endpoint is never
 * contacted (activate only enqueues: the flush is an hour away and the batch size above the queue bound).
 * `npm run bench -- --only client`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProctorClient, type ProctorClientOptions } from '../lib/client';
import type { ProctorSpecification } from '../lib/proctor/model';
import { serializeMatrix } from '../lib/proctor/serialize-definition';
import { buildBenchMatrix } from './determine-groups';
import type { BenchContext, BenchFigure } from './report';

const QUEUE = 10_000;

function contexts(count: number): { ids: Record<string, string>; context: Record<string, unknown> }[] {
  const countries = ['US', 'GB', 'DE', 'JP', 'CA', 'FR'];
  return Array.from({ length: count }, (_, i) => ({
    ids: { USER: `user-${i}-${(i * 2654435761) >>> 0}`, ACCOUNT: `acct-${i % 997}` },
    context: { country: countries[i % countries.length], lang: i % 3 ? 'en' : 'fr', loggedIn: i % 2 === 0, num: i % 20, ua: 'Mozilla/5.0' },
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

export async function benchClient(context: BenchContext): Promise<BenchFigure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-client-'));
  try {
    const matrix = buildBenchMatrix();
    const file = path.join(dir, 'matrix.json');
    writeFileSync(file, serializeMatrix(matrix));
    const specification: ProctorSpecification = {
      tests: Object.fromEntries(Object.entries(matrix.tests).map(([name, test]) => [name, { fallbackValue: -1, buckets: Object.fromEntries(test.buckets.map((b) => [b.name, b.value])) }])),
      providedContext: { country: 'String', lang: 'String', loggedIn: 'boolean', num: 'int', ua: 'String' },
    };
    const base: ProctorClientOptions = { file, environment: 'production', specification, pollIntervalMs: 0, onError: () => undefined };
    const events = { url: 'http://127.0.0.1:9/api/v1/events', flushIntervalMs: 3_600_000, batchSize: QUEUE + 1, maxQueue: QUEUE, dedupeSize: QUEUE };
    // A USER test whose unit is logged (not silent, has allocations): the first one.
    const test = Object.keys(matrix.tests).find((name) => matrix.tests[name].testType === 'USER' && !matrix.tests[name].rule)!;

    const client = await ProctorClient.create({ ...base, events });
    const users = contexts(context.quick ? 20_000 : 50_000);
    const rounds = context.quick ? 3 : 5;
    const perCall = { getGroupsOne: [] as number[], activateNew: [] as number[], activateSeen: [] as number[], getGroupsAll: [] as number[] };
    let sink = 0;
    const measure = (list: number[], fn: (u: (typeof users)[number]) => number, count = users.length) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < count; i++) sink += fn(users[i]);
      list.push(Number(process.hrtime.bigint() - start) / count);
    };
    // Warm up every path, then interleave the measured rounds so drift hits all of them alike.
    measure([], (u) => client.getGroups(u.ids, u.context, { testNames: [test] }).value(test), 5000);
    measure([], (u) => client.activate(test, u.ids, u.context), 5000);
    for (let round = 0; round < rounds; round++) {
      measure(perCall.getGroupsOne, (u) => client.getGroups(u.ids, u.context, { testNames: [test] }).value(test));
      // Fresh units each round: a new suffix makes every call a new exposure (queue full: drop-oldest included).
      const fresh = users.map((u) => ({ ids: { ...u.ids, USER: `${u.ids.USER}-r${round}` }, context: u.context }));
      const startFresh = process.hrtime.bigint();
      for (const u of fresh) sink += client.activate(test, u.ids, u.context);
      perCall.activateNew.push(Number(process.hrtime.bigint() - startFresh) / fresh.length);
      // The same units again: already exposed, nothing enqueued (the dedupe keeps the last 10,000).
      const seen = fresh.slice(-5000);
      const startSeen = process.hrtime.bigint();
      for (const u of seen) sink += client.activate(test, u.ids, u.context);
      perCall.activateSeen.push(Number(process.hrtime.bigint() - startSeen) / seen.length);
      measure(perCall.getGroupsAll, (u) => client.getGroups(u.ids, u.context).value(test), 300);
    }
    const g = median(perCall.getGroupsOne);
    const a = median(perCall.activateNew);
    const s = median(perCall.activateSeen);
    const all = median(perCall.getGroupsAll);
    const stats = client.eventStats()!;
    context.log(`getGroups, 1 test (baseline)             ${g.toFixed(0).padStart(8)} ns/call`);
    context.log(`activate, new exposure (enqueued)        ${a.toFixed(0).padStart(8)} ns/call  ${(a / g).toFixed(2)}x baseline, +${(a - g).toFixed(0)} ns`);
    context.log(`activate, unit already exposed           ${s.toFixed(0).padStart(8)} ns/call  ${(s / g).toFixed(2)}x baseline, +${(s - g).toFixed(0)} ns`);
    context.log(`getGroups, all ${Object.keys(matrix.tests).length} tests (today's call)    ${all.toFixed(0).padStart(8)} ns/call`);
    context.log(`queue after the rounds: ${stats.queued} queued, ${stats.dropped} dropped (drop-oldest), nothing sent (${stats.requests} requests); sink ${sink % 7}`);
    await client.close();

    // Memory: the same client with events off vs with the queue full.
    const fill = contexts(QUEUE);
    const beforeOff = gcHeap();
    const off = await ProctorClient.create({ ...base, events: false });
    for (const u of fill) off.activate(test, u.ids, u.context);
    const heapOff = gcHeap() - beforeOff;
    const beforeOn = gcHeap();
    const on = await ProctorClient.create({ ...base, events });
    for (const u of fill) on.activate(test, u.ids, u.context);
    const heapOn = gcHeap() - beforeOn;
    const queued = on.eventStats()!.queued;
    context.log(`heap with the queue full (${queued} exposures + ${QUEUE} dedupe keys): +${((heapOn - heapOff) / 1024 / 1024).toFixed(1)} MB over events off, ${Math.round((heapOn - heapOff) / queued)} bytes per queued event`);
    await on.close();
    await off.close();
    return [
      { name: 'client heap, event queue full (10,000)', ours: heapOn / 1024 / 1024, baseline: heapOff / 1024 / 1024, baselineLabel: 'same client, events off', unit: 'MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

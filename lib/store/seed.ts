/**
 * Seeds a new repository from `proctor-data/` with a believable, deterministic history (pinned timestamps, so the
 * SHAs are the same on every machine): each test is created and edited by demo users under an issue key, some are
 * promoted to qa and production, some not yet, and some have a newer trunk revision than production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDefinition } from '@/lib/proctor/parse-definition';
import { serializeDefinition, serializeJson } from '@/lib/proctor/serialize-definition';
import type { TestDefinition } from '@/lib/proctor/model';
import { buildCommitMessage, buildPromotionMessage } from './commit-message';
import { GitRepository, type Signature } from './repository';
import { DEFINITION_FILE, METADATA_FILE, branchRef, definitionsDirSegments, type Environment, type RepositoryLayout } from './paths';

export interface SeedTest {
  testName: string;
  definition: TestDefinition;
  metadataText: string;
}

export interface DemoUser {
  username: string;
  name: string;
  email: string;
  role: 'admin' | 'editor' | 'releaser' | 'viewer';
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'avery', name: 'Avery Admin', email: 'avery@example.com', role: 'admin' },
  { username: 'erin', name: 'Erin Engineer', email: 'erin@example.com', role: 'editor' },
  { username: 'priya', name: 'Priya Patel', email: 'priya@example.com', role: 'editor' },
  { username: 'rex', name: 'Rex Release', email: 'rex@example.com', role: 'releaser' },
  { username: 'quinn', name: 'Quinn QA', email: 'quinn@example.com', role: 'viewer' },
];

export type SeedIssueStatus = 'In Progress' | 'QA Ready' | 'In QA' | 'In Production';

export interface SeedIssue {
  key: string;
  summary: string;
  status: SeedIssueStatus;
  testName: string;
  reporter: string;
  assignee: string;
}

type Variant = 'draft' | 'rampUp' | 'final';
type SeedStep =
  | { kind: 'create' | 'update'; testName: string; variant: Variant; user: DemoUser; issueKey: string; comment: string }
  | { kind: 'promote'; testName: string; to: 'qa' | 'production'; user: DemoUser; issueKey: string };

export interface SeedPlan {
  steps: SeedStep[];
  issues: SeedIssue[];
}

/** Monday 6 January 2025, 09:00 UTC; each seeded commit is 97 minutes after the previous one. */
export const SEED_START_SECONDS = Date.UTC(2025, 0, 6, 9, 0, 0) / 1000;
const SEED_STEP_SECONDS = 97 * 60;

const user = (username: string) => DEMO_USERS.find((u) => u.username === username)!;
const PROJECT = 'PROTEST';

/**
 * Four shapes, by position in the sorted test list: 0 live everywhere and current; 1 live everywhere but trunk has a
 * newer revision; 2 on qa only; 3 trunk only (not promoted yet).
 */
export function planSeedHistory(testNames: string[]): SeedPlan {
  const names = [...testNames].sort();
  const creators = [user('erin'), user('priya'), user('avery')];
  const editors = [user('priya'), user('erin')];
  const rex = user('rex');
  const issues: SeedIssue[] = [];
  const rounds: SeedStep[][] = [[], [], [], [], []];
  let nextFollowUp = names.length + 1;
  names.forEach((testName, i) => {
    const shape = i % 4;
    const key = `${PROJECT}-${i + 1}`;
    const creator = creators[i % creators.length];
    const editor = editors[i % editors.length];
    const finalOnCreate = shape === 3;
    rounds[0].push({ kind: 'create', testName, variant: finalOnCreate ? 'final' : 'draft', user: creator, issueKey: key, comment: `Create ${testName}` });
    if (shape !== 3) {
      rounds[1].push({
        kind: 'update',
        testName,
        variant: shape === 1 ? 'rampUp' : 'final',
        user: editor,
        issueKey: key,
        comment: shape === 1 ? `Ramp up ${testName}` : `Finalise buckets and allocations of ${testName}`,
      });
      rounds[2].push({ kind: 'promote', testName, to: 'qa', user: rex, issueKey: key });
    }
    if (shape === 0 || shape === 1) rounds[3].push({ kind: 'promote', testName, to: 'production', user: rex, issueKey: key });
    const statuses: SeedIssueStatus[] = ['In Production', 'In Production', 'In QA', 'In Progress'];
    issues.push({ key, summary: `A/B test ${testName}`, status: statuses[shape], testName, reporter: creator.username, assignee: editor.username });
    if (shape === 1) {
      const followUp = `${PROJECT}-${nextFollowUp++}`;
      rounds[4].push({ kind: 'update', testName, variant: 'final', user: editor, issueKey: followUp, comment: `Adjust ${testName} after launch` });
      issues.push({ key: followUp, summary: `Adjust ${testName} after launch`, status: 'QA Ready', testName, reporter: editor.username, assignee: editor.username });
    }
  });
  return { steps: rounds.flat(), issues };
}

export async function loadSeedTests(seedDir: string, testDefinitionsDirectory: string): Promise<SeedTest[]> {
  const dir = path.join(seedDir, testDefinitionsDirectory);
  let names: string[];
  try {
    names = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const tests: SeedTest[] = [];
  for (const testName of names) {
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(dir, testName, DEFINITION_FILE), 'utf8');
    } catch {
      continue;
    }
    let metadataText = serializeJson({});
    try {
      metadataText = serializeJson(JSON.parse(await fs.promises.readFile(path.join(dir, testName, METADATA_FILE), 'utf8')));
    } catch {
      // metadata.json is optional in the seed folder; Proctor always writes `{ }`.
    }
    tests.push({ testName, definition: parseDefinition(text), metadataText });
  }
  return tests;
}

/** The issues the seeded history refers to, so the built-in tracker can be seeded to match. */
export async function seedIssues(seedDir: string, testDefinitionsDirectory = 'test-definitions'): Promise<SeedIssue[]> {
  const tests = await loadSeedTests(seedDir, testDefinitionsDirectory);
  return planSeedHistory(tests.map((t) => t.testName)).issues;
}

function variantOf(def: TestDefinition, variant: Variant): TestDefinition {
  if (variant === 'final') return def;
  const description = def.description ?? '';
  return { ...def, description: variant === 'draft' ? `Draft: ${description}` : `${description} (ramp-up)` };
}

/**
 * Writes the seeded history into an empty repository and points the three branches at it. Returns the heads.
 */
export async function seedRepository(
  repo: GitRepository,
  layout: RepositoryLayout,
  committer: { name: string; email: string },
  tests: SeedTest[],
): Promise<Record<Environment, string | null>> {
  const plan = planSeedHistory(tests.map((t) => t.testName));
  const byName = new Map(tests.map((t) => [t.testName, t]));
  const heads: Record<Environment, string | null> = { trunk: null, qa: null, production: null };
  const trunkRevision = new Map<string, { revision: string; message: string; text: string }>();
  const qaRevision = new Map<string, { revision: string; message: string; text: string }>();
  const dir = definitionsDirSegments(layout);
  let time = SEED_START_SECONDS;

  const commitOn = async (env: Environment, testName: string, definitionText: string, metadataText: string, message: string, author: DemoUser) => {
    const head = heads[env];
    const rootTree = head ? (await repo.readCommit(head)).tree : null;
    const definitionBlob = await repo.writeBlobText(definitionText);
    const metadataBlob = await repo.writeBlobText(metadataText);
    const tree = await repo.replaceSubtree(rootTree, [...dir, testName], async (entries) => {
      const rest = entries.filter((e) => e.path !== DEFINITION_FILE && e.path !== METADATA_FILE);
      return [
        ...rest,
        { mode: '100644', path: DEFINITION_FILE, oid: definitionBlob, type: 'blob' },
        { mode: '100644', path: METADATA_FILE, oid: metadataBlob, type: 'blob' },
      ];
    });
    time += SEED_STEP_SECONDS;
    const authorSig: Signature = { name: author.name, email: author.email, timestamp: time, timezoneOffset: 0 };
    const committerSig: Signature = { ...committer, timestamp: time, timezoneOffset: 0 };
    const oid = await repo.writeCommit({ tree, parents: head ? [head] : [], message, author: authorSig, committer: committerSig });
    heads[env] = oid;
    return oid;
  };

  for (const step of plan.steps) {
    const test = byName.get(step.testName)!;
    if (step.kind === 'promote') {
      const from: Environment = step.to === 'qa' ? 'trunk' : trunkRevision.has(step.testName) && !qaRevision.has(step.testName) ? 'trunk' : 'qa';
      const source = (from === 'trunk' ? trunkRevision : qaRevision).get(step.testName)!;
      const sourceDef = parseDefinition(source.text);
      const trunkRev = from === 'trunk' ? source.revision : (sourceDef.version ?? source.revision);
      const text = serializeDefinition({ ...sourceDef, version: trunkRev });
      const message = buildPromotionMessage(
        { kind: 'promote', testName: step.testName, issueKey: step.issueKey, comment: '', sourceRevision: source.revision, sourceBranch: from, targetBranch: step.to },
        source.message,
      );
      const oid = await commitOn(step.to, step.testName, text, test.metadataText, message, step.user);
      if (step.to === 'qa') qaRevision.set(step.testName, { revision: oid, message, text });
    } else {
      const text = serializeDefinition({ ...variantOf(test.definition, step.variant), version: '-1' });
      const message = buildCommitMessage({ kind: step.kind, testName: step.testName, issueKey: step.issueKey, comment: step.comment });
      const oid = await commitOn('trunk', step.testName, text, test.metadataText, message, step.user);
      trunkRevision.set(step.testName, { revision: oid, message, text });
    }
  }
  return heads;
}

/** Points the branches at the seeded heads (only if they do not exist yet). */
export async function publishSeed(repo: GitRepository, layout: RepositoryLayout, heads: Record<Environment, string | null>): Promise<void> {
  for (const env of ['trunk', 'qa', 'production'] as const) {
    const head = heads[env];
    if (head) await repo.compareAndSwapRef(branchRef(layout, env), null, head);
  }
}

/**
 * A test's written conclusion (issue #20): hypothesis, result, decision, kept with the test. Saved by editors against
 * the revision read (0 = none yet): a save from a stale revision is a 409, never an overwrite.
 */
import { AppError } from '@/lib/errors';
import { parseExistingTestName, type TestName } from '@/lib/domain/test-name';
import type { ConclusionView } from '@/lib/stats';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export const MAX_CONCLUSION_FIELD = 20_000;

export interface SaveConclusionInput {
  hypothesis: string;
  result: string;
  decision: string;
  expectedRevision: number;
}

async function view(deps: Pick<ServiceDeps, 'prisma'>, testName: TestName): Promise<ConclusionView> {
  const row = await deps.prisma.testConclusion.findUnique({ where: { testName } });
  return {
    testName,
    hypothesis: row?.hypothesis ?? '',
    result: row?.result ?? '',
    decision: row?.decision ?? '',
    revision: row?.revision ?? 0,
    updatedAt: row ? row.updatedAt.toISOString() : null,
    updatedBy: row?.updatedBy ?? null,
  };
}

export async function readConclusion(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader, input: { name: unknown }): Promise<ConclusionView> {
  requireReader(reader);
  return view(deps, parseExistingTestName(input.name));
}

export async function saveConclusion(deps: Pick<ServiceDeps, 'prisma'>, actor: Reader, input: { name: unknown; conclusion: SaveConclusionInput }): Promise<ConclusionView> {
  const user = requireReader(actor, 'editor');
  const testName = parseExistingTestName(input.name);
  const c = input.conclusion;
  for (const field of ['hypothesis', 'result', 'decision'] as const) {
    // PostgreSQL text cannot hold NUL, and a lone surrogate is not text: refused with the field rather than a 500.
    if (/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(c[field])) {
      throw new AppError('VALIDATION_FAILED', `The ${field} contains a character that is not text (NUL or a lone surrogate).`, { details: [{ path: `/${field}`, message: 'must be text without NUL or lone surrogates' }] });
    }
    if (c[field].length > MAX_CONCLUSION_FIELD) {
      throw new AppError('VALIDATION_FAILED', `The ${field} can have at most ${MAX_CONCLUSION_FIELD} characters.`, { details: [{ path: `/${field}`, message: `must have at most ${MAX_CONCLUSION_FIELD} characters` }] });
    }
  }
  const stale = (actual: number) =>
    new AppError('STALE_REVISION', `The conclusion of ${testName} was changed by someone else since you opened it (now at revision ${actual}, yours is ${c.expectedRevision}). Reload it and make your change again.`, {
      data: { expected: c.expectedRevision, actual },
    });
  const data = { hypothesis: c.hypothesis.trim(), result: c.result.trim(), decision: c.decision.trim(), updatedBy: user.username };
  if (c.expectedRevision === 0) {
    // First save: of two at once, the second finds the row taken and is stale.
    const { count } = await deps.prisma.testConclusion.createMany({ data: [{ testName, revision: 1, ...data }], skipDuplicates: true });
    if (count === 0) throw stale((await deps.prisma.testConclusion.findUnique({ where: { testName } }))?.revision ?? 1);
  } else {
    const { count } = await deps.prisma.testConclusion.updateMany({ where: { testName, revision: c.expectedRevision }, data: { ...data, revision: { increment: 1 } } });
    if (count === 0) throw stale((await deps.prisma.testConclusion.findUnique({ where: { testName } }))?.revision ?? 0);
  }
  return view(deps, testName);
}

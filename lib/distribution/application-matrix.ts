/**
 * Per-application matrices (seed 004: "the JSON test matrix containing only those tests in the application's
 * specification"). The specification is the one the application registered with its last heartbeat (the Consumer row,
 * in the shared database, so every instance finds the same one); the matrix is verified and consolidated against it
 * exactly as Proctor's loaders do (verifyAndConsolidate: consolidateMatrix), so the application never receives a test
 * outside its specification nor one that fails verification against it (a required test that is missing or invalid is
 * left out: the client falls back for it, as with the full matrix). Built once per (revision, specification) and
 * compressed like the full matrix, with its own strong ETags.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { ProctorSpecification } from '@/lib/proctor/model';
import { serializeMatrix } from '@/lib/proctor/serialize-definition';
import { consolidateMatrix } from '@/lib/proctor/verify-matrix';
import type { DefinitionStore, Environment } from '@/lib/store';
import type { BuiltMatrix } from './matrix-cache';
import { buildVariants } from './matrix-variants';

/** JSON with object keys sorted, so equal specifications hash alike whatever order the client sent. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** 16 hex characters of the specification's sha256: part of the application matrix's ETag. */
export function specificationDigest(specification: ProctorSpecification): string {
  return createHash('sha256').update(canonicalJson(specification)).digest('hex').slice(0, 16);
}

/** The matrix an application with `specification` loads from `matrix`, with its wire forms (ETag `<revision>-<digest>`). */
export async function buildApplicationMatrix(matrix: BuiltMatrix, specification: ProctorSpecification, digest: string = specificationDigest(specification)): Promise<BuiltMatrix> {
  const { matrix: artifact, result } = consolidateMatrix(matrix.artifact, specification, undefined, { matrixSource: `${matrix.artifact.audit.updatedBy}@${matrix.revision}` });
  // Left out rather than replaced by fallbacks: the application's loader falls back for them itself and reports them
  // (the heartbeat's fallback tests), which a served fallback would hide.
  for (const name of [...Object.keys(result.errors), ...result.missing]) delete artifact.tests[name];
  const body = serializeMatrix(artifact);
  const bytes = Buffer.from(body, 'utf8');
  return { env: matrix.env, revision: matrix.revision, artifact, body, bytes, variants: await buildVariants(`${matrix.revision}-${digest}`, bytes), builtAt: Date.now() };
}

/** The specification `application` registered in `env` with its most recent heartbeat (of `version`, if given). */
export async function registeredSpecification(prisma: PrismaClient, env: Environment, application: string, version?: string): Promise<ProctorSpecification> {
  const row = await prisma.consumer.findFirst({
    where: { environment: env, application, ...(version ? { version } : {}) },
    orderBy: { lastSeenAt: 'desc' },
    select: { specification: true },
  });
  if (!row) {
    throw new AppError('NOT_FOUND', `Application '${application}'${version ? ` version ${version}` : ''} has not registered a specification in ${env}: its Proctor client sends one with its heartbeat.`);
  }
  return row.specification as unknown as ProctorSpecification;
}

const KEPT = 256;

/** Application matrices built per (revision, specification), the most recent KEPT kept; concurrent asks share one build. */
export class ApplicationMatrices {
  private readonly built = new Map<string, Promise<BuiltMatrix>>();

  get(matrix: BuiltMatrix, specification: ProctorSpecification): Promise<BuiltMatrix> {
    const digest = specificationDigest(specification);
    const key = `${matrix.env}:${matrix.revision}:${digest}`;
    let pending = this.built.get(key);
    if (pending) {
      this.built.delete(key);
    } else {
      pending = buildApplicationMatrix(matrix, specification, digest);
      pending.catch(() => this.built.delete(key));
    }
    this.built.set(key, pending);
    while (this.built.size > KEPT) this.built.delete(this.built.keys().next().value!);
    return pending;
  }
}

/** Each store's application matrices, created on first use and gone with the store (like its MatrixCache). */
const perStore = new WeakMap<DefinitionStore, ApplicationMatrices>();

export function applicationMatricesFor(store: DefinitionStore): ApplicationMatrices {
  let matrices = perStore.get(store);
  if (!matrices) perStore.set(store, (matrices = new ApplicationMatrices()));
  return matrices;
}

/**
 * The rule context schema (issue #17): the variables rules may use = the union of the `providedContext` of the
 * specifications the applications reported (Consumers), plus the team's own list kept in the database. The editor's
 * rule lint calls a variable outside it unknown. Reading is for everyone; saving is for editors, against the revision
 * read (a concurrent save is a 409, never an overwrite).
 */
import { AppError } from '@/lib/errors';
import { assertContextSchema, readStoredVariables, type ContextVariable } from '@/lib/domain/context-schema';
import { requireReader, type Reader, type ServiceDeps } from './service-deps';

export interface ApplicationVariable {
  name: string;
  /** Type names as the applications declare them (usually one). */
  types: string[];
  /** "application version" of each application declaring it. */
  providedBy: string[];
}

export interface ContextSchemaView {
  /** The team's list and the revision to save against (0 = never saved). */
  revision: number;
  variables: ContextVariable[];
  updatedAt: Date | null;
  updatedBy: string | null;
  /** From the applications' specifications. */
  applications: ApplicationVariable[];
  /** Every known name, sorted: what the lint checks against. */
  known: string[];
}

const ROW_ID = 1;

/** providedContext of every application version the server has heard from (newest report per version). */
async function applicationVariables(deps: Pick<ServiceDeps, 'prisma'>): Promise<ApplicationVariable[]> {
  const rows = await deps.prisma.$queryRaw<Array<{ application: string; version: string; providedContext: unknown }>>`
    SELECT DISTINCT ON (application, version) application, version, specification->'providedContext' AS "providedContext"
    FROM "Consumer" ORDER BY application, version, "lastSeenAt" DESC`;
  const byName = new Map<string, ApplicationVariable>();
  for (const row of rows) {
    const provided = row.providedContext;
    if (!provided || typeof provided !== 'object' || Array.isArray(provided)) continue;
    for (const [name, type] of Object.entries(provided as Record<string, unknown>)) {
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { name, types: [], providedBy: [] }));
      const typeName = typeof type === 'string' ? type : String(type);
      if (!entry.types.includes(typeName)) entry.types.push(typeName);
      entry.providedBy.push(`${row.application} ${row.version}`);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function readContextSchema(deps: Pick<ServiceDeps, 'prisma'>, reader: Reader): Promise<ContextSchemaView> {
  requireReader(reader);
  const [row, applications] = await Promise.all([deps.prisma.contextSchema.findUnique({ where: { id: ROW_ID } }), applicationVariables(deps)]);
  const variables = readStoredVariables(row?.variables);
  const known = [...new Set([...applications.map((a) => a.name), ...variables.map((v) => v.name)])].sort();
  return { revision: row?.revision ?? 0, variables, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null, applications, known };
}

export interface SaveContextSchemaInput {
  variables: Array<{ name: string; type: string; description?: string }>;
  /** The revision the list was read at. */
  baseRevision: number;
}

/** Replaces the team's list; returns the new view and what changed (for the audit). */
export async function saveContextSchema(
  deps: Pick<ServiceDeps, 'prisma'>,
  actor: Reader,
  input: SaveContextSchemaInput,
): Promise<{ view: ContextSchemaView; added: string[]; removed: string[] }> {
  const user = requireReader(actor, 'editor');
  const variables: ContextVariable[] = input.variables.map((v) => ({ name: v.name.trim(), type: v.type.trim(), description: (v.description ?? '').trim() }));
  assertContextSchema(variables);
  const stale = (actual: number) =>
    new AppError('STALE_REVISION', `The rule context was changed by someone else since you opened it (now at revision ${actual}, yours is ${input.baseRevision}). Reload it and make your change again.`, {
      data: { expected: input.baseRevision, actual },
    });
  const before = await deps.prisma.contextSchema.findUnique({ where: { id: ROW_ID } });
  if ((before?.revision ?? 0) !== input.baseRevision) throw stale(before?.revision ?? 0);
  const data = { variables: variables as unknown as object, updatedBy: user.username };
  if (!before) {
    // First save: of two at once, the second finds the row taken (ON CONFLICT DO NOTHING) and is stale.
    const { count } = await deps.prisma.contextSchema.createMany({ data: [{ id: ROW_ID, revision: 1, ...data }], skipDuplicates: true });
    if (count === 0) throw stale((await deps.prisma.contextSchema.findUnique({ where: { id: ROW_ID } }))?.revision ?? 1);
  } else {
    // Compare-and-set on the revision: of two saves from the same revision only one can win.
    const { count } = await deps.prisma.contextSchema.updateMany({ where: { id: ROW_ID, revision: input.baseRevision }, data: { ...data, revision: { increment: 1 } } });
    if (count === 0) throw stale((await deps.prisma.contextSchema.findUnique({ where: { id: ROW_ID } }))?.revision ?? input.baseRevision);
  }
  const oldNames = new Set(readStoredVariables(before?.variables).map((v) => v.name));
  const newNames = new Set(variables.map((v) => v.name));
  return {
    view: await readContextSchema(deps, actor),
    added: [...newNames].filter((n) => !oldNames.has(n)),
    removed: [...oldNames].filter((n) => !newNames.has(n)),
  };
}

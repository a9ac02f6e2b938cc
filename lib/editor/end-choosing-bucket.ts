/**
 * "End the test choosing bucket B" (issue #20): the definition change that gives B all the traffic of every allocation
 * without moving anybody who is in B already. B's ranges grow into the space of every other bucket (room-to-grow
 * carried to 100%): each point of the line that was B stays B, the others (control, other test buckets, inactive)
 * join B. Each allocation keeps its rule, so the sub-populations keep their own allocation (and allocation id line).
 * Buckets are kept: applications still name them, and Proctor needs the definitions of the buckets they log.
 */
import { AppError } from '../errors';
import type { TestDefinition } from '../proctor/model';

const INACTIVE = -1;

export interface EndChoosingBucket {
  definition: TestDefinition;
  /** Names of the buckets whose users join the chosen one (inactive included), for the change's comment. */
  joining: string[];
}

export function endChoosingBucket(definition: TestDefinition, bucketName: string): EndChoosingBucket {
  const chosen = definition.buckets.find((b) => b.name === bucketName);
  if (!chosen) throw new AppError('VALIDATION_FAILED', `The test has no bucket named '${bucketName}'.`);
  if (chosen.value === INACTIVE) throw new AppError('VALIDATION_FAILED', `'${bucketName}' is the inactive bucket: to stop the test use Stop, not "End choosing".`);
  const joining = new Set<number>();
  for (const allocation of definition.allocations) {
    for (const range of allocation.ranges) if (range.bucketValue !== chosen.value && range.length > 0) joining.add(range.bucketValue);
  }
  const nameOf = (value: number) => definition.buckets.find((b) => b.value === value)?.name ?? (value === INACTIVE ? 'inactive' : String(value));
  return {
    definition: { ...definition, allocations: definition.allocations.map((a) => ({ ...a, ranges: [{ bucketValue: chosen.value, length: 1 }] })) },
    joining: [...joining].sort((a, b) => a - b).map(nameOf),
  };
}

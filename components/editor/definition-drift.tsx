'use client';
/**
 * The editor's drift panel for a whole definition change (what is live in an environment → what would replace it), one
 * panel per allocation that moves users; read-only, for the save and promote dialogs.
 */
import type { Range, TestDefinition } from '@/lib/proctor';
import { testStatus } from '@/lib/domain/test-status';
import { DriftPreview } from './drift-preview';

/** Each allocation of `after` with the ranges it had in `before`: by id when it has one, else by position. */
function pairs(before: TestDefinition, after: TestDefinition): { key: string; before: Range[]; after: Range[] }[] {
  return after.allocations.flatMap((allocation, index) => {
    const match = (allocation.id && before.allocations.find((b) => b.id === allocation.id)) || (!allocation.id ? before.allocations[index] : undefined);
    if (!match) return [];
    return [{ key: `${index}:${allocation.id}`, before: match.ranges, after: allocation.ranges }];
  });
}

export function DefinitionDrift({ before, after, envLabel }: { before: TestDefinition | null; after: TestDefinition | null; envLabel: string }) {
  if (!before || !after) return null;
  const running = testStatus(before) === 'running';
  return (
    <div data-testid="definition-drift" aria-label={`User drift against ${envLabel}`}>
      {pairs(before, after).map((pair) => (
        <div key={pair.key}>
          <DriftPreview before={pair.before} after={pair.after} buckets={after.buckets} running={running} />
        </div>
      ))}
    </div>
  );
}

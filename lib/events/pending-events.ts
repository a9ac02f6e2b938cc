/**
 * A received batch's new events as EventPending keeps them until they are counted (fold-events.ts): one text value per
 * batch, an array of tuples (short: a 1,000-event batch is one row of ~150 KB, stored uncompressed).
 */
import type { Environment } from '@/lib/domain/environment';
import type { ValidEvent } from './validate-events';

type ExposureTuple = [0, string, string, string, string, number, number, string, number, string, boolean, string, string];
type ConversionTuple = [1, string, string, string, string, number, number, string, number, boolean];

export function serializePending(events: ValidEvent[]): string {
  return JSON.stringify(
    events.map((e): ExposureTuple | ConversionTuple =>
      e.kind === 'exposure'
        ? [0, e.id, e.environment, e.unitType, e.unitId, e.sentAt, e.at, e.test, e.bucket, e.allocationId, e.fallback, e.definitionVersion, e.matrixVersion]
        : [1, e.id, e.environment, e.unitType, e.unitId, e.sentAt, e.at, e.goal, e.value, e.unique],
    ),
  );
}

export function parsePending(text: string): ValidEvent[] {
  return (JSON.parse(text) as Array<ExposureTuple | ConversionTuple>).map((t): ValidEvent => {
    const common = { id: t[1], environment: t[2] as Environment, unitType: t[3], unitId: t[4], sentAt: t[5], at: t[6] };
    return t[0] === 0
      ? { kind: 'exposure', ...common, test: t[7], bucket: t[8], allocationId: t[9], fallback: t[10], definitionVersion: t[11], matrixVersion: t[12] }
      : { kind: 'conversion', ...common, goal: t[7], value: t[8], unique: t[9] };
  });
}

/**
 * Events as the client queues them: compact records with the fields flat (no nested unit, the time as a number), built
 * into the wire JSON (docs/events.md) only when sent or stored, off the application's call path. `activate` and
 * `track` make one such record per event: the queue full of them is a third of the heap plain objects took, and
 * there is less garbage to collect. `JSON.stringify` calls `toJSON`, so a record serialises as its event.
 */
import type { Environment } from '../domain/environment';
import { isoTime } from './event-ids';
import type { ConversionEvent, ExposureEvent, QueuedEvent } from './event-delivery';

export class QueuedExposure implements QueuedEvent {
  constructor(
    readonly id: string,
    readonly timeMs: number,
    readonly environment: Environment,
    readonly unitType: string,
    readonly unitId: string,
    readonly test: string,
    readonly bucket: number,
    readonly allocationId: string | undefined,
    readonly fallback: boolean,
    readonly definitionVersion: string,
    readonly matrixVersion: string,
  ) {}

  toJSON(): ExposureEvent {
    const event: ExposureEvent = {
      id: this.id,
      type: 'exposure',
      time: isoTime(this.timeMs),
      environment: this.environment,
      unit: { type: this.unitType, id: this.unitId },
      test: this.test,
      bucket: this.bucket,
      definitionVersion: this.definitionVersion,
      matrixVersion: this.matrixVersion,
    };
    if (this.allocationId) event.allocationId = this.allocationId;
    if (this.fallback) event.fallback = true;
    return event;
  }
}

export class QueuedConversion implements QueuedEvent {
  constructor(
    readonly id: string,
    readonly timeMs: number,
    readonly environment: Environment,
    readonly unitType: string,
    readonly unitId: string,
    readonly goal: string,
    /** undefined: the default 1. */
    readonly value: number | undefined,
    readonly unique: boolean,
  ) {}

  toJSON(): ConversionEvent {
    const event: ConversionEvent = { id: this.id, type: 'conversion', time: isoTime(this.timeMs), environment: this.environment, unit: { type: this.unitType, id: this.unitId }, goal: this.goal };
    if (this.value !== undefined) event.value = this.value;
    if (this.unique) event.unique = true;
    return event;
  }
}

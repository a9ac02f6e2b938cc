/** Actors and definitions for the use-case tests (test/unit/use-case-*.test.ts), run on createTestServices(). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '@/lib/services/service-deps';

export const erin: Actor = { username: 'erin', displayName: 'Erin Editor', email: 'erin@example.com', role: 'editor' };
export const rex: Actor = { username: 'rex', displayName: 'Rex Releaser', email: 'rex@example.com', role: 'releaser' };
export const val: Actor = { username: 'val', displayName: 'Val Viewer', email: 'val@example.com', role: 'viewer' };

const SEED = JSON.parse(readFileSync(path.join(__dirname, '../../proctor-data/test-definitions/checkout_button_color/definition.json'), 'utf8'));

/** A running test (its allocations split users between control, green and orange). */
export function runningDefinition(name: string): Record<string, any> {
  return { ...structuredClone(SEED), salt: `&${name}` };
}

/** The same test sending every user to the inactive bucket (Proctor's isAllInactiveTest). */
export function inactiveDefinition(name: string): Record<string, any> {
  const definition = runningDefinition(name);
  for (const allocation of definition.allocations) allocation.ranges = [{ bucketValue: -1, length: 1 }];
  return definition;
}

/** An allocation-only change of `definition`: the US split moves 10% from inactive to green. */
export function withMoreGreen(definition: Record<string, any>): Record<string, any> {
  const next = structuredClone(definition);
  const us = next.allocations[0].ranges as { bucketValue: number; length: number }[];
  us.find((r) => r.bucketValue === -1)!.length = 0.3;
  us.find((r) => r.bucketValue === 1)!.length = 0.3;
  return next;
}

/** Green grows by 10% of US users taken from the inactive range only (split bucket, FACTS / seed 004): nobody switches. */
export function withMoreGreenNoDrift(definition: Record<string, any>): Record<string, any> {
  const next = structuredClone(definition);
  next.allocations[0].ranges = [
    { bucketValue: -1, length: 0.3 },
    { bucketValue: 1, length: 0.1 },
    { bucketValue: 0, length: 0.2 },
    { bucketValue: 1, length: 0.2 },
    { bucketValue: 2, length: 0.2 },
  ];
  return next;
}

/**
 * Starting points for a new test. Each is a whole definition the form then edits; shares are Proctor lengths
 * (fractions of 1) laid out so that growing the test later moves nobody between active buckets.
 */
import type { Range, TestBucket, TestDefinition } from '../proctor';
import { newTestDefinition } from './editor-document';

export interface NewTestTemplate {
  id: 'inactive-launch' | 'ab-room-to-grow' | 'three-way';
  title: string;
  summary: string;
  make: (testName: string) => TestDefinition;
}

function withLayout(testName: string, buckets: TestBucket[], ranges: Range[]): TestDefinition {
  const def = newTestDefinition(testName);
  return { ...def, buckets, allocations: [{ ...def.allocations[0], ranges }] };
}

const INACTIVE: TestBucket = { name: 'inactive', value: -1, description: 'Inactive' };
const CONTROL: TestBucket = { name: 'control', value: 0, description: 'Control' };

export const NEW_TEST_TEMPLATES: readonly NewTestTemplate[] = [
  {
    id: 'inactive-launch',
    title: '100% inactive launch',
    summary: 'Everyone stays in inactive: ship the code first, then give users to control and test.',
    make: (name) => newTestDefinition(name),
  },
  {
    id: 'ab-room-to-grow',
    title: 'A/B 50/50 with room to grow',
    summary: 'Control and test get 10% each, at the two ends, with 80% inactive between them to grow into.',
    make: (name) =>
      withLayout(name, [INACTIVE, CONTROL, { name: 'test', value: 1, description: 'Test' }], [
        { bucketValue: 0, length: 0.1 },
        { bucketValue: -1, length: 0.8 },
        { bucketValue: 1, length: 0.1 },
      ]),
  },
  {
    id: 'three-way',
    title: 'Three-way',
    summary: 'Control, test_a and test_b get a third each.',
    make: (name) =>
      withLayout(name, [INACTIVE, CONTROL, { name: 'test_a', value: 1, description: 'Test A' }, { name: 'test_b', value: 2, description: 'Test B' }], [
        { bucketValue: 0, length: 0.3333333333 },
        { bucketValue: 1, length: 0.3333333333 },
        { bucketValue: 2, length: 0.3333333334 },
      ]),
  },
];

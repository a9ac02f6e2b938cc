/**
 * The built-in tracker's workflow, a ProTest issue's life from idea to cleanup:
 *
 *   Open ─Start Progress→ In Progress ─Resolve→ QA Ready ─Promote to QA→ In QA ─Verify→ Production Ready
 *     ─Promote to Production→ In Production ─Verify in Production→ Pending Closure ─Close→ Closed
 *   Pending Closure / Closed ─Reopen→ In Progress
 *
 * "Promote to QA" and "Promote to Production" are normally taken by Proctor Studio itself when a definition is promoted
 * (see workflow.ts); people may also take them by hand.
 */
export const BUILTIN_STATUSES = [
  'Open',
  'In Progress',
  'QA Ready',
  'In QA',
  'Production Ready',
  'In Production',
  'Pending Closure',
  'Closed',
] as const;
export type BuiltinStatus = (typeof BUILTIN_STATUSES)[number];

export interface WorkflowTransition {
  id: string;
  name: string;
  from: readonly BuiltinStatus[];
  to: BuiltinStatus;
}

export const BUILTIN_TRANSITIONS: readonly WorkflowTransition[] = [
  { id: 'start-progress', name: 'Start Progress', from: ['Open'], to: 'In Progress' },
  { id: 'resolve', name: 'Resolve', from: ['In Progress'], to: 'QA Ready' },
  { id: 'promote-to-qa', name: 'Promote to QA', from: ['QA Ready'], to: 'In QA' },
  { id: 'verify', name: 'Verify', from: ['In QA'], to: 'Production Ready' },
  { id: 'promote-to-production', name: 'Promote to Production', from: ['Production Ready'], to: 'In Production' },
  { id: 'verify-in-production', name: 'Verify in Production', from: ['In Production'], to: 'Pending Closure' },
  { id: 'close', name: 'Close', from: ['Pending Closure'], to: 'Closed' },
  { id: 'reopen', name: 'Reopen', from: ['Pending Closure', 'Closed'], to: 'In Progress' },
];

export const INITIAL_STATUS: BuiltinStatus = 'Open';

export function isBuiltinStatus(value: string): value is BuiltinStatus {
  return (BUILTIN_STATUSES as readonly string[]).includes(value);
}

export function transitionsFrom(status: string): WorkflowTransition[] {
  return BUILTIN_TRANSITIONS.filter((t) => (t.from as readonly string[]).includes(status));
}

/**
 * The roles, ordered by power: each can do everything the previous one can. The one list — the server's checks
 * (lib/auth/roles.ts), the API schemas, the typed client and the Users page all read it. Pure (runs in the browser).
 *
 * qa (the QA analyst of seed 004) reads everything and verifies issues; it cannot edit or promote.
 */
export const ROLES = ['viewer', 'qa', 'editor', 'releaser', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is `required` or above. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The Node/TypeScript Proctor client (docs/client.md). */
export { ProctorClient, createProctorClient, type ProctorClientOptions, type ProctorGroups, type GroupsOptions, type MatrixUpdate, type ClientStatus, type ClientEnvironment } from './proctor-client';
export { parseForceGroups, forceGroupsFromCookieHeader, forceGroupsFromRequest, formatForceGroups, FORCE_GROUPS_PARAMETER, type ForceGroups } from './force-groups';

/** Entry of the browser build (scripts/build-client.mjs → one ESM file): no node: imports may be reachable from here. */
export { ProctorClient } from './browser-client';
export { type ProctorClientOptions, type ProctorGroups, type GroupsOptions, type EventOptions, type TrackOptions } from './proctor-client';
export { type ClientEvent, type DeliveryStats } from './event-delivery';
export { uuidv7, nameBasedId } from './event-ids';
export { parseForceGroups, forceGroupsFromCookieHeader, formatForceGroups, forceGroupsUrl, FORCE_GROUPS_PARAMETER } from './force-groups';

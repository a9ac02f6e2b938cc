/** The Node/TypeScript Proctor client (docs/client.md). The browser build's entry is ./browser.ts. */
export { ProctorClient, createProctorClient } from './node-client';
export { ProctorClientCore, type ProctorClientOptions, type ProctorGroups, type GroupsOptions, type MatrixUpdate, type ClientStatus, type ClientEnvironment, type EventOptions, type TrackOptions, type ClientPlatform } from './proctor-client';
export { type ClientEvent, type ExposureEvent, type ConversionEvent, type DeliveryStats, type EventStore } from './event-delivery';
export { uuidv7, uuidv7Time, nameBasedId } from './event-ids';
export { parseForceGroups, forceGroupsFromCookieHeader, forceGroupsFromRequest, formatForceGroups, forceGroupsUrl, FORCE_GROUPS_PARAMETER, type ForceGroups } from './force-groups';

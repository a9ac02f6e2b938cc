/**
 * The keys of each object kind of definition.json, in Java field order — the order Proctor writes them and the Reader
 * creates them. Shared by the lenient/strict Reader (parse-definition.ts) and the JSON.parse fast path
 * (canonical-definition.ts).
 */
export const DEFINITION_KEYS = [
  'version', 'constants', 'specialConstants', 'salt', 'rule', 'buckets', 'allocations', 'silent', 'metaTags', 'testType',
  'description', 'dependsOn', 'evaluateForIncognitoUsers', 'enableUnitlessAllocations', 'forceLogging',
  'payloadExperimentConfig', 'subrule',
] as const;
export const CONSUMABLE_KEYS = [
  'constants', 'version', 'salt', 'rule', 'buckets', 'allocations', 'silent', 'testType', 'description', 'metaTags',
  'dependsOn', 'evaluateForIncognitoUsers', 'enableUnitlessAllocations', 'containsUnitlessAllocation', 'forceLogging',
  'payloadExperimentConfig', 'dynamic', 'subrule',
];
export const BUCKET_KEYS = ['name', 'value', 'description', 'payload'];
export const PAYLOAD_KEYS = ['doubleValue', 'doubleArray', 'longValue', 'longArray', 'stringValue', 'stringArray', 'map', 'json'];
export const ALLOCATION_KEYS = ['rule', 'ranges', 'id', 'name'];
export const RANGE_KEYS = ['bucketValue', 'length'];
export const DEPENDENCY_KEYS = ['testName', 'bucketValue'];
export const EXPERIMENT_CONFIG_KEYS = ['priority', 'namespaces'];

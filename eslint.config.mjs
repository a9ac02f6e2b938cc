import next from 'eslint-config-next';

/**
 * The layering table: which folder of lib/ may import which (README "Layout"). Dependencies point down the floors; an
 * import not in a folder's list fails lint. `debt` lists the upward imports that exist today and are to be removed
 * (issue #15): they are allowed so that lint holds the line against new ones, and nothing else may join them.
 */
const FLOORS = {
  // ground floor
  errors: [],
  'client-address': [],
  config: ['errors', 'client-address'],
  log: ['config', 'errors'],
  db: ['config', 'errors', 'log', 'generated'],
  audit: ['config', 'db', 'errors', 'log', 'generated'],
  auth: ['client-address', 'config', 'db', 'domain', 'errors', 'generated', 'log'],
  // the Proctor domain and our own domain words: pure, they run in the browser too
  proctor: ['errors'],
  domain: ['errors', 'proctor'],
  // results statistics (issue #20): pure, they run in the browser too
  stats: [],
  // pure logic beside the domain
  editor: ['domain', 'errors', 'proctor'],
  client: ['domain', 'proctor'],
  cli: ['domain', 'errors', 'proctor'],
  examples: ['proctor'],
  // adapters
  store: ['config', 'db', 'domain', 'errors', 'generated', 'log', 'proctor'],
  issues: ['audit', 'auth', 'config', 'db', 'domain', 'errors', 'generated', 'log'],
  distribution: ['auth', 'config', 'db', 'domain', 'errors', 'generated', 'log', 'proctor', 'store'],
  // measurement events: checking and storing them
  events: ['db', 'domain', 'errors', 'generated', 'log', 'proctor'],
  // use cases
  services: ['audit', 'auth', 'config', 'db', 'distribution', 'domain', 'errors', 'events', 'generated', 'issues', 'log', 'proctor', 'stats', 'store'],
  // the composition root: builds the process's services from the floors below (lib/composition/services.ts)
  composition: ['audit', 'auth', 'config', 'db', 'distribution', 'domain', 'errors', 'events', 'generated', 'issues', 'log', 'proctor', 'services', 'stats', 'store'],
  // the transport shell
  http: ['audit', 'auth', 'client-address', 'composition', 'config', 'db', 'distribution', 'domain', 'errors', 'events', 'generated', 'issues', 'log', 'proctor', 'services', 'stats', 'store'],
  ui: ['domain', 'errors', 'proctor', 'stats'],
};
/** Imports that break the table, kept until they are paid off: none today. */
const DEBT = {};
const ALL = [...Object.keys(FLOORS), 'server', 'generated'];
/** What browser code may never import, whatever its floor. */
const NODE_ONLY = ['node:*', 'next', 'next/*', '@prisma/*', 'isomorphic-git', 'fs', 'path', 'crypto'];

const layering = Object.entries(FLOORS).map(([floor, allowed]) => {
  const ok = new Set([floor, ...allowed, ...(DEBT[floor] ?? [])]);
  const forbidden = ALL.filter((folder) => !ok.has(folder));
  const group = forbidden.flatMap((folder) => [`@/lib/${folder}`, `@/lib/${folder}/*`, `@/lib/${folder}.ts`]);
  const patterns = [{ group, message: `lib/${floor} may import only ${[...ok].filter((f) => f !== floor).join(', ') || 'nothing of lib/'} (the layering table in eslint.config.mjs).` }];
  if (floor === 'proctor' || floor === 'domain' || floor === 'stats') patterns.push({ group: NODE_ONLY, message: `lib/${floor} is pure: it runs in the browser too.` });
  return { files: [`lib/${floor}/**/*.{ts,tsx,mjs}`, `lib/${floor}.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
});

const config = [
  ...next,
  { ignores: ['lib/generated/**', '.next/**', '.data/**', 'node_modules/**'] },
  ...layering,
  {
    // Pages and route handlers read and write through the use cases (lib/services) with the services of the one
    // composition root; the store and the database client only as types.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/lib/store', '@/lib/store/*', '@/lib/generated/*', '@/lib/db/client', '@prisma/*'], allowTypeImports: true, message: 'Pages and routes reach the store and the database through lib/services and getServices() (lib/composition), types only here.' },
          ],
        },
      ],
    },
  },
  {
    // Components talk to the server through lib/ui and the pure modules; the store, database and use cases only as types.
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/lib/store', '@/lib/store/*', '@/lib/services/*', '@/lib/server/*', '@/lib/http/*', '@/lib/auth/*', '@/lib/audit/*'], allowTypeImports: true, message: 'Components import the store, use cases and server code as types only (the layering table in eslint.config.mjs).' }] },
      ],
    },
  },
];
export default config;

#!/usr/bin/env node
// The `proctor` command: runs the TypeScript CLI (lib/cli/main.ts) through tsx, resolved relative to this package so
// it works from any working directory (e.g. the CI of a separate proctor-data repository). Both of tsx's hooks are
// registered: without "type": "module" Node loads the .ts files as CommonJS.
import { fileURLToPath } from 'node:url';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const root = new URL('../', import.meta.url);
registerCommonJs();
registerEsm({ tsconfig: fileURLToPath(new URL('tsconfig.json', root)) });
await import(new URL('lib/cli/main.ts', root).href);

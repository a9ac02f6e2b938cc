// `npm run build:client`: the browser build of lib/client — one ESM file made by esbuild from the same sources as the
// Node client (entry lib/client/browser.ts). platform "browser" makes any node: import reachable from the entry fail
// the build, so the browser file can never pull in Node's persistence by accident.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BROWSER_CLIENT_FILE = path.join(root, 'dist', 'proctor-client.browser.mjs');

export async function buildBrowserClient({ outfile = BROWSER_CLIENT_FILE, minify = true } = {}) {
  const result = await build({
    entryPoints: [path.join(root, 'lib', 'client', 'browser.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    sourcemap: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
  return { outfile, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outfile, bytes } = await buildBrowserClient();
  console.log(`browser client: ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(1)} KiB)`);
}

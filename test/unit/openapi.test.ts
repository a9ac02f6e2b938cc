/**
 * The OpenAPI document against the implementation: (a) its paths and methods are exactly the route files under
 * app/api and their exported HTTP methods; (b) each documented request body schema is the very object the route
 * validates with; plus the document is well-formed (refs resolve, path parameters declared, schemas compile).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as heartbeatSchemas from '@/lib/distribution/record-heartbeat';
import * as apiSchemas from '@/lib/http/api-schemas';
import { API_OPERATIONS, openApiDocument } from '@/lib/http/openapi';
import * as testSchemas from '@/lib/http/test-schemas';

const ROOT = path.resolve(__dirname, '..', '..');
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js)$/.test(entry) ? [full] : [];
  });
}

/** app/api/v1/tests/[name]/route.ts → /api/v1/tests/{name}; route groups "(x)" vanish as in Next. */
function urlPathOf(file: string): string {
  const segments = path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep);
  return '/' + segments.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(\w+)\]$/, '{$1}')).join('/');
}

const ROUTES = routeFiles(path.join(ROOT, 'app', 'api')).map((file) => ({ file, path: urlPathOf(file) }));

async function implemented(): Promise<{ key: string; file: string; method: string; handler: { apiRoute?: { body?: unknown } } }[]> {
  const result = [];
  for (const route of ROUTES) {
    const mod = (await import(route.file)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) {
      if (typeof mod[method] === 'function') result.push({ key: `${method} ${route.path}`, file: route.file, method, handler: mod[method] as { apiRoute?: { body?: unknown } } });
    }
  }
  return result;
}

const doc = openApiDocument();
const documented = () =>
  Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));

describe('OpenAPI document vs the route files', () => {
  it('finds the route files (sanity)', () => {
    expect(ROUTES.length).toBeGreaterThan(25);
    expect(ROUTES.map((r) => r.path)).toContain('/api/v1/tests/{name}/promotions');
    expect(ROUTES.map((r) => r.path)).toContain('/api/health');
  });

  it('documents exactly the implemented paths and methods', async () => {
    const routes = (await implemented()).map((r) => r.key).sort();
    expect(documented().sort()).toEqual(routes);
  });

  it('uses, for every request body, the very schema object the route validates with', async () => {
    for (const route of await implemented()) {
      const [method, p] = route.key.split(' ');
      const operation = doc.paths[p]?.[method.toLowerCase() as 'get'] as { requestBody?: { content: Record<string, { schema: unknown }> } } | undefined;
      const documentedBody = operation?.requestBody?.content['application/json'].schema;
      if (route.handler.apiRoute) {
        // apiRoute handlers carry their options: the body schema ajv validates with.
        expect(documentedBody, route.key).toBe(route.handler.apiRoute.body);
      } else if (documentedBody) {
        // A hand-written handler (e.g. the heartbeat) must validate with the documented schema's exported name.
        const spec = API_OPERATIONS.find((op) => `${op.method} ${op.path}` === route.key)!;
        const source = readFileSync(route.file, 'utf8');
        const name = exportedNameOf(spec.body!);
        expect(name, `${route.key}: the documented body schema is not an exported constant`).toBeTruthy();
        expect(source, route.key).toMatch(new RegExp(`validateBody(<[^>]*>)?\\(${name}\\b`));
      } else {
        const source = readFileSync(route.file, 'utf8');
        expect(source, `${route.key} validates a body the document does not describe`).not.toMatch(/validateBody|parseJsonBody/);
      }
    }
  });

  it('states the role each apiRoute handler enforces', async () => {
    for (const route of await implemented()) {
      const options = route.handler.apiRoute as { auth?: string; role?: string } | undefined;
      if (!options) continue;
      const spec = API_OPERATIONS.find((op) => `${op.method} ${op.path}` === route.key)!;
      const enforced = options.role ?? (options.auth === 'optional' ? 'optional' : 'viewer');
      expect(spec.auth, route.key).toBe(enforced);
    }
  });

  it('documents the error body and both ways of signing in', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toMatchObject({
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'proctor_session' },
      bearerToken: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.components.schemas.Error).toMatchObject({ required: ['code', 'message', 'details'] });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const responses = (op as { responses: Record<string, unknown> }).responses;
        expect(Object.keys(responses).some((s) => s.startsWith('2')), `${m} ${p} has a success response`).toBe(true);
        expect(responses['500'], `${m} ${p} documents 500`).toBeDefined();
      }
    }
  });

  it('declares every path parameter and resolves every $ref', () => {
    const refs: string[] = [];
    (function collect(value: unknown): void {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string') refs.push(inner);
          else collect(inner);
        }
      }
    })(doc);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        const declared = ((op as { parameters?: { name: string; in: string; required?: boolean }[] }).parameters ?? []).filter((x) => x.in === 'path');
        expect(declared.map((x) => x.name), p).toEqual(names);
        expect(declared.every((x) => x.required)).toBe(true);
      }
    }
  });

  it('has schemas that compile', () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const id = 'https://proctor-studio.invalid/openapi.json';
    ajv.addSchema({ $id: id, components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.getSchema(`${id}#/components/schemas/${name}`), name).not.toThrow();
    for (const op of API_OPERATIONS) if (op.body) expect(() => ajv.compile(op.body!), `${op.method} ${op.path}`).not.toThrow();
  });
});

/** Name under which a body schema is exported from the schema modules (the heartbeat's lives in lib/distribution). */
function exportedNameOf(schema: object): string | undefined {
  const modules = [apiSchemas, testSchemas, heartbeatSchemas] as Record<string, unknown>[];
  for (const mod of modules) for (const [name, value] of Object.entries(mod)) if (value === schema) return name;
  return undefined;
}

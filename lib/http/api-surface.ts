/**
 * Which paths under /api exist and which methods each accepts, read from the OpenAPI operation list (test/unit/
 * openapi.test.ts keeps that list equal to the route files and their exported methods). Used to answer an unknown
 * path with a JSON 404 and a method the path does not take with a JSON 405 and `Allow`, instead of Next's HTML page
 * or empty body.
 */
import { AppError } from '@/lib/errors';
import { API_OPERATIONS } from './openapi';

interface ApiPath {
  pattern: RegExp;
  allow: string[];
}

let table: ApiPath[] | undefined;

function apiPaths(): ApiPath[] {
  if (table) return table;
  const byPath = new Map<string, Set<string>>();
  for (const op of API_OPERATIONS) (byPath.get(op.path) ?? byPath.set(op.path, new Set()).get(op.path)!).add(op.method);
  table = [...byPath].map(([path, methods]) => {
    // Next answers HEAD with GET's handler and OPTIONS by itself on every route.
    const allow = new Set([...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS']);
    const source = path.split('/').map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    return { pattern: new RegExp(`^${source}/?$`), allow: [...allow].sort() };
  });
  return table;
}

/** The methods `pathname` accepts, or null when no API route has that path. */
export function allowedMethods(pathname: string): string[] | null {
  return apiPaths().find((entry) => entry.pattern.test(pathname))?.allow ?? null;
}

/** The refusal for a request to /api that no route would take (unknown path or method), or null when one would. */
export function apiSurfaceRefusal(method: string, pathname: string): AppError | null {
  if (pathname !== '/api' && !pathname.startsWith('/api/')) return null;
  const allow = allowedMethods(pathname);
  if (!allow) {
    return new AppError('NOT_FOUND', `There is no API endpoint at ${pathname}. The endpoints are listed in /api/v1/openapi.json.`, {
      details: [{ path: pathname, message: 'no such endpoint' }],
    });
  }
  if (allow.includes(method.toUpperCase())) return null;
  return new AppError('METHOD_NOT_ALLOWED', `${pathname} does not accept ${method}; use ${allow.join(', ')}.`, {
    details: [{ path: pathname, message: `allowed methods: ${allow.join(', ')}` }],
    data: { allow },
  });
}

import { openApiDocument } from '@/lib/http/openapi';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 description of this API (public, like the health check: it holds no data). */
export async function GET(): Promise<Response> {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'no-cache' } });
}

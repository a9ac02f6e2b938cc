import { describeSession, signIn, signOut } from '@/lib/auth/session-service';
import { isSecureRequest } from '@/lib/auth/sessions';
import { apiRoute, jsonResponse } from '@/lib/http/api-route';
import { LOGIN_BODY } from '@/lib/http/api-schemas';

export const dynamic = 'force-dynamic';

/** Who am I: {user, via}; user is null when not signed in. */
export const GET = apiRoute({ auth: 'optional' }, ({ user, via }) => describeSession(user, via));

/** Sign in with {username, password}: sets the proctor_session cookie, returns {user}. */
export const POST = apiRoute<{ username: string; password: string }>({ auth: 'optional', body: LOGIN_BODY, action: 'session.create' }, async (ctx) => {
  ctx.audit.actor = ctx.body.username;
  const { user, setCookie } = await signIn({ prisma: ctx.deps.prisma, secure: isSecureRequest(ctx.request, ctx.deps.config.publicUrl, ctx.deps.config.trustedProxies) }, { ...ctx.body, ip: ctx.ip });
  return jsonResponse({ user }, { headers: { 'set-cookie': setCookie } });
});

/** Sign out: deletes the session and clears the cookie (204 even when not signed in). */
export const DELETE = apiRoute({ auth: 'optional', action: 'session.delete' }, async (ctx) => {
  const { setCookie } = await signOut({ prisma: ctx.deps.prisma, secure: isSecureRequest(ctx.request, ctx.deps.config.publicUrl, ctx.deps.config.trustedProxies) }, ctx.request.headers.get('cookie'));
  return new Response(null, { status: 204, headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' } });
});

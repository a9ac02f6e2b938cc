import { createUser, listUsers, type CreateUserInput } from '@/lib/auth/manage-users';
import { apiRoute } from '@/lib/http/api-route';
import { CREATE_USER_BODY } from '@/lib/http/api-schemas';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ role: 'admin' }, async ({ deps, actor }) => ({ users: await listUsers(deps, actor) }));

export const POST = apiRoute<CreateUserInput>({ role: 'admin', body: CREATE_USER_BODY, action: 'user.create', successStatus: 201 }, async ({ deps, actor, body, audit }) => {
  audit.target = `user:${body.username}`;
  return createUser(deps, actor, body);
});

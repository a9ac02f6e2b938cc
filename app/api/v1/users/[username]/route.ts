import { updateUser, type UpdateUserInput } from '@/lib/auth/manage-users';
import { apiRoute } from '@/lib/http/api-route';
import { UPDATE_USER_BODY } from '@/lib/http/api-schemas';

export const dynamic = 'force-dynamic';

/** {role?, disabled?, password?, displayName?, email?}; refuses to demote or disable the last active admin. */
export const PATCH = apiRoute<UpdateUserInput, { username: string }>({ role: 'admin', body: UPDATE_USER_BODY, action: 'user.update' }, async ({ deps, actor, body, params, audit }) => {
  Object.assign(audit, { target: `user:${params.username}`, details: { changed: Object.keys(body) } });
  return updateUser(deps, actor, { ...body, username: params.username });
});

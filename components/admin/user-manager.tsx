'use client';
import { useState } from 'react';
import { ApiForm, field } from '@/components/api-form';
import { ErrorPanel } from '@/components/error-panel';
import { ROLES } from '@/lib/domain/role';
import { api } from '@/lib/ui/api';
import { useApiAction } from '@/lib/ui/use-api-action';
import { buttonClass, inputClass, primaryButtonClass } from '@/lib/ui/styles';

export interface UserRow {
  username: string;
  displayName: string;
  email: string | null;
  role: (typeof ROLES)[number];
  disabled: boolean;
}

/** Users and roles: create accounts, change a role, disable or enable. */
export function UserManager({ users, self }: { users: UserRow[]; self: string }) {
  const { error, run } = useApiAction();
  const [notice, setNotice] = useState<string | null>(null);
  async function update(username: string, body: Pick<Partial<UserRow>, 'role' | 'disabled'>, done: string) {
    setNotice(null);
    if ((await run(() => api.users.update(username, body).then(() => true))) === true) setNotice(done);
  }
  return (
    <div className="space-y-4">
      <ApiForm
        className="grid gap-3 md:grid-cols-5 md:items-end"
        aria-label="Create a user"
        submit={(form) => {
          const username = field(form, 'username').trim();
          setNotice(null);
          const body = { username, displayName: field(form, 'displayName') || undefined, role: String(form.get('role')), password: field(form, 'password') || undefined };
          return run(() => api.users.create(body).then(() => username));
        }}
        onSuccess={(username) => setNotice(`User ${username} created.`)}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor="user-username" className="text-sm font-medium">Username</label>
          <input id="user-username" name="username" required className={inputClass} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="user-display" className="text-sm font-medium">Display name</label>
          <input id="user-display" name="displayName" className={inputClass} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="user-role" className="text-sm font-medium">Role</label>
          <select id="user-role" name="role" defaultValue="viewer" className={inputClass}>
            {ROLES.map((role) => (
              <option key={role} value={role}>{role}</option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="user-password" className="text-sm font-medium">Password</label>
          <input id="user-password" name="password" type="password" autoComplete="new-password" className={inputClass} />
        </div>
        <button type="submit" className={primaryButtonClass}>Create user</button>
      </ApiForm>
      {error && <ErrorPanel error={error} />}
      {notice && <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">{notice}</p>}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Users">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-600">
              <th scope="col" className="py-1 pr-3">Username</th>
              <th scope="col" className="py-1 pr-3">Name</th>
              <th scope="col" className="py-1 pr-3">Role</th>
              <th scope="col" className="py-1 pr-3">Status</th>
              <th scope="col" className="py-1"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.username} className="border-b border-slate-200 dark:border-slate-700" data-username={user.username}>
                <td className="py-1 pr-3 font-mono">{user.username}</td>
                <td className="py-1 pr-3">{user.displayName}</td>
                <td className="py-1 pr-3">
                  <label className="sr-only" htmlFor={`role-${user.username}`}>Role of {user.username}</label>
                  <select id={`role-${user.username}`} className={inputClass} defaultValue={user.role} onChange={(event) => update(user.username, { role: event.target.value as UserRow['role'] }, `${user.username} is now ${event.target.value}.`)}>
                    {ROLES.map((role) => (
                      <option key={role} value={role}>{role}</option>
                    ))}
                  </select>
                </td>
                <td className="py-1 pr-3">{user.disabled ? 'disabled' : 'active'}</td>
                <td className="py-1">
                  {user.username !== self && (
                    <button type="button" className={`${buttonClass} px-2 py-0.5 text-xs`} onClick={() => update(user.username, { disabled: !user.disabled }, `${user.username} ${user.disabled ? 'enabled' : 'disabled'}.`)}>
                      {user.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

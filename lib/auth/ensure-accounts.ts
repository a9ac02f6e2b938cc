/**
 * Start-up accounts. The admin named by PROCTOR_ADMIN_USER/PROCTOR_ADMIN_PASSWORD is created, or updated so the
 * configured password and the admin role always work (the recovery path for a locked-out install). Demo mode adds one
 * account per role, all with password "demo". Outside demo mode no account ever gets a default password.
 */
import type { AppConfig } from '@/lib/config';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { assertGitText } from '@/lib/domain/git-text';
import { hashPassword, verifyPassword } from './password';
import type { Role } from './roles';

export const DEMO_PASSWORD = 'demo';

export const DEMO_ACCOUNTS: readonly { username: string; displayName: string; role: Role }[] = [
  { username: 'avery', displayName: 'Avery Admin', role: 'admin' },
  { username: 'erin', displayName: 'Erin Engineer', role: 'editor' },
  { username: 'priya', displayName: 'Priya Patel', role: 'editor' },
  { username: 'rex', displayName: 'Rex Release', role: 'releaser' },
  { username: 'quinn', displayName: 'Quinn QA', role: 'qa' },
  { username: 'vera', displayName: 'Vera Viewer', role: 'viewer' },
];

export interface EnsuredAccount {
  username: string;
  displayName: string;
  role: Role;
  /** Only for demo accounts (their password is public anyway); never the configured admin password. */
  password?: string;
  source: 'admin' | 'demo';
  action: 'created' | 'updated' | 'unchanged';
}

export async function ensureAccounts(
  prisma: PrismaClient,
  config: Pick<AppConfig, 'adminUser' | 'adminPassword' | 'demoMode'>,
): Promise<EnsuredAccount[]> {
  const result: EnsuredAccount[] = [];
  if (config.adminUser && config.adminPassword) {
    // The name is also the admin's display name, the git author of their changes: refused at start, not at the first save.
    const username = assertGitText(config.adminUser.trim(), { path: 'PROCTOR_ADMIN_USER', label: 'PROCTOR_ADMIN_USER', kind: 'identName', fix: 'set it to a plain user name such as "admin"' });
    let existing = await prisma.user.findUnique({ where: { username } });
    if (!existing && (await createIfAbsent(prisma, { username, displayName: username, role: 'admin', passwordHash: await hashPassword(config.adminPassword) }))) {
      result.push({ username, displayName: username, role: 'admin', source: 'admin', action: 'created' });
    } else {
      // Another instance starting at the same moment may have created it between the look-up and the insert.
      existing ??= await prisma.user.findUniqueOrThrow({ where: { username } });
      const passwordOk = await verifyPassword(config.adminPassword, existing.passwordHash);
      const changed = !passwordOk || existing.role !== 'admin' || existing.disabled;
      if (changed) {
        await prisma.user.update({
          where: { username },
          data: {
            role: 'admin',
            disabled: false,
            ...(passwordOk ? {} : { passwordHash: await hashPassword(config.adminPassword) }),
          },
        });
      }
      result.push({ username, displayName: existing.displayName, role: 'admin', source: 'admin', action: changed ? 'updated' : 'unchanged' });
    }
  }
  if (config.demoMode) {
    let demoHash: string | undefined;
    for (const account of DEMO_ACCOUNTS) {
      let existing = await prisma.user.findUnique({ where: { username: account.username } });
      if (!existing) {
        demoHash ??= await hashPassword(DEMO_PASSWORD);
        if (await createIfAbsent(prisma, { ...account, passwordHash: demoHash })) {
          result.push({ ...account, password: DEMO_PASSWORD, source: 'demo', action: 'created' });
          continue;
        }
        // Created meanwhile by another instance starting at the same moment: theirs is as good as ours.
        existing = await prisma.user.findUniqueOrThrow({ where: { username: account.username } });
      }
      // Existing demo users keep whatever an admin changed (role, password): demo data is a starting point.
      // quinn was a viewer before the qa role existed: an untouched demo quinn (still the old default) becomes qa.
      if (existing.username === 'quinn' && account.role === 'qa' && existing.role === 'viewer' && existing.displayName === account.displayName) {
        await prisma.user.update({ where: { username: 'quinn' }, data: { role: 'qa' } });
        result.push({ ...account, password: DEMO_PASSWORD, source: 'demo', action: 'updated' });
        continue;
      }
      result.push({ ...account, role: existing.role, password: DEMO_PASSWORD, source: 'demo', action: 'unchanged' });
    }
  }
  return result;
}

/**
 * INSERT … ON CONFLICT DO NOTHING: true when this call created the user. Instances sharing one database start at the
 * same moment; a plain create after a look-up fails on the unique user name for all but one of them.
 */
async function createIfAbsent(prisma: PrismaClient, data: { username: string; displayName: string; role: Role; passwordHash: string }): Promise<boolean> {
  const { count } = await prisma.user.createMany({ data: [data], skipDuplicates: true });
  return count === 1;
}

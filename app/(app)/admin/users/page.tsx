import type { Metadata } from 'next';
import { UserManager } from '@/components/admin/user-manager';
import { ErrorPanel } from '@/components/error-panel';
import { PageHeader } from '@/components/page-header';
import { listUsers } from '@/lib/auth/manage-users';
import { getServices } from '@/lib/composition/services';
import { requirePageUser } from '@/lib/server/current-user';
import { load } from '@/lib/server/page-data';
import { cardClass } from '@/lib/ui/styles';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const user = await requirePageUser('/admin/users', 'admin');
  const services = await getServices();
  const loaded = await load(() => listUsers(services, user));
  return (
    <>
      <PageHeader title="Users and roles" subtitle="viewer reads · editor saves definitions and moves issues · releaser promotes · admin manages users." />
      <section className={cardClass}>{!loaded.ok ? <ErrorPanel error={loaded.error} /> : <UserManager users={loaded.value} self={user.username} />}</section>
    </>
  );
}

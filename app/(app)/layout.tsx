import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppNav, type NavItem } from '@/components/app-nav';
import { DatabaseRestarting } from '@/components/database-restarting';
import { SignOutButton } from '@/components/sign-out-button';
import { hasRole } from '@/lib/auth/roles';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { getCurrentUser } from '@/lib/server/current-user';
import { PAGE_PATH_HEADER } from '@/lib/http/page-path-header';
import { isUnknownPage } from '@/lib/server/unknown-page';
import { focusRing } from '@/lib/ui/styles';

/** The signed-in shell: navigation, environment legend, the user and their role. Pages check access themselves. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  let user: Awaited<ReturnType<typeof getCurrentUser>> = null;
  let databaseDown = false;
  try {
    user = await getCurrentUser();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    // Not known, not signed out: the page (which would ask again) is replaced by a notice until the database is back.
    databaseDown = true;
  }
  // Signed-out visitors are sent to sign in by the page and learn nothing about what exists.
  if (user && (await isUnknownPage((await headers()).get(PAGE_PATH_HEADER)))) notFound();
  const items: NavItem[] = [
    { href: '/tests', label: 'Tests' },
    { href: '/issues', label: 'Issues' },
    { href: '/activity', label: 'Activity' },
    { href: '/matrix', label: 'Matrix' },
    { href: '/consumers', label: 'Consumers' },
    { href: '/context-schema', label: 'Rule context' },
    { href: '/tokens', label: 'API tokens' },
  ];
  if (hasRole(user, 'admin')) items.push({ href: '/admin/users', label: 'Users' }, { href: '/admin/audit', label: 'Audit log' });
  return (
    <div className="min-h-screen">
      <a href="#main" className={`sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900 ${focusRing}`}>
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <Link href="/tests" className={`text-lg font-bold tracking-tight ${focusRing}`}>
            Proctor Studio
          </Link>
          <AppNav items={items} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            {databaseDown ? null : user ? (
              <>
                <span data-testid="current-user">
                  <span className="font-medium">{user.displayName || user.username}</span>{' '}
                  <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">{user.role}</span>
                </span>
                <SignOutButton />
              </>
            ) : (
              <Link href="/login" className={focusRing}>
                Sign in
              </Link>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {databaseDown ? <DatabaseRestarting /> : children}
      </main>
    </div>
  );
}

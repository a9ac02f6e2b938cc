import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnPath } from '@/lib/http/return-path';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
import { getServices } from '@/lib/composition/services';
import { getCurrentUser } from '@/lib/server/current-user';
import { firstParam } from '@/lib/ui/format';
import { cardClass } from '@/lib/ui/styles';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeReturnPath(firstParam((await searchParams).next));
  // While the database is unreachable nobody is known to be signed in: show the form (signing in answers 503 then).
  const user = await getCurrentUser().catch((error: unknown) => {
    if (isDatabaseUnavailable(error)) return null;
    throw error;
  });
  if (user) redirect(next);
  const demo = (await getServices()).accounts.filter((account) => account.source === 'demo');
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center p-6">
      <h1 className="mb-1 text-2xl font-semibold">Proctor Studio</h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">Sign in to manage test definitions across trunk, qa and production.</p>
      <div className={cardClass}>
        <LoginForm next={next} />
      </div>
      {demo.length > 0 && (
        <p className="mt-4 text-xs text-slate-600 dark:text-slate-400">
          Demo accounts (password <code>demo</code>): {demo.map((account) => `${account.username} (${account.role})`).join(', ')}.
        </p>
      )}
    </main>
  );
}

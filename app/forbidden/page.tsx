import Link from 'next/link';
import { getCurrentUser } from '@/lib/server/current-user';
import { firstParam } from '@/lib/ui/format';

export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const need = firstParam((await searchParams).need);
  const user = await getCurrentUser();
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-sm">
        This page needs the <strong>{need ?? 'right'}</strong> role
        {user ? (
          <>
            ; you are signed in as <strong>{user.username}</strong> ({user.role})
          </>
        ) : null}
        . Ask an administrator if you need access.
      </p>
      <p className="mt-3 text-sm">
        <Link href="/tests" className="text-blue-700 underline dark:text-blue-300">
          Go to the tests
        </Link>
      </p>
    </main>
  );
}

import { headers } from 'next/headers';
import Link from 'next/link';
import { PAGE_PATH_HEADER } from '@/lib/http/page-path-header';
import { unknownPageMessage } from '@/lib/server/unknown-page';

/** Every 404, including tests and issues the (app) layout found missing: then it names what is missing. */
export default async function NotFound() {
  const missing = unknownPageMessage((await headers()).get(PAGE_PATH_HEADER));
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">Not found</h1>
      {missing ? (
        <p className="mt-1 text-sm" data-error-code="NOT_FOUND">
          {missing} It may have been deleted or renamed, or the address may be mistyped.
        </p>
      ) : (
        <p className="mt-1 text-sm">There is nothing at this address.</p>
      )}
      <p className="mt-3 text-sm">
        <Link href="/tests" className="text-blue-700 underline dark:text-blue-300">
          Go to the tests
        </Link>
      </p>
    </main>
  );
}

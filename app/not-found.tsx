import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-1 text-sm">There is nothing at this address.</p>
      <p className="mt-3 text-sm">
        <Link href="/tests" className="text-blue-700 underline dark:text-blue-300">
          Go to the tests
        </Link>
      </p>
    </main>
  );
}

import Link from 'next/link';
import { linkClass } from '@/lib/ui/styles';

export default function NotFound() {
  return (
    <div className="rounded-md border border-slate-300 p-6 dark:border-slate-700">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-1 text-sm">There is nothing at this address. It may have been deleted or renamed.</p>
      <p className="mt-3 text-sm">
        <Link href="/tests" className={linkClass}>
          Back to the tests
        </Link>
      </p>
    </div>
  );
}

import Link from 'next/link';
import { buttonClass } from '@/lib/ui/styles';

/** Previous/next links that keep the current filters. */
export function Pagination({ page, pages, params, basePath }: { page: number; pages: number; params: Record<string, string>; basePath: string }) {
  if (pages <= 1) return null;
  const href = (target: number) => `${basePath}?${new URLSearchParams({ ...params, page: String(target) }).toString()}`;
  return (
    <nav aria-label="Pagination" className="mt-4 flex items-center gap-3 text-sm">
      {page > 1 ? (
        <Link className={buttonClass} href={href(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className={`${buttonClass} pointer-events-none opacity-50`} aria-disabled="true">← Previous</span>
      )}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link className={buttonClass} href={href(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span className={`${buttonClass} pointer-events-none opacity-50`} aria-disabled="true">Next →</span>
      )}
    </nav>
  );
}

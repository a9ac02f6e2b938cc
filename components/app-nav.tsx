'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { focusRing } from '@/lib/ui/styles';

export interface NavItem {
  href: string;
  label: string;
}

/** Main navigation; the current section is marked for screen readers and visually. */
export function AppNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-1">
      {items.map((item) => {
        const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? 'page' : undefined}
            className={`rounded-md px-2.5 py-1.5 text-sm ${current ? 'bg-slate-800 text-white dark:bg-slate-200 dark:text-slate-900' : 'text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800'} ${focusRing}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** What a list shows when there is nothing in it, with a hint at what to do. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm dark:border-slate-700">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-1 text-slate-600 dark:text-slate-400">{children}</div>}
    </div>
  );
}

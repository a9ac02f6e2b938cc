import Link from 'next/link';
import { buttonClass, inputClass, linkClass } from '@/lib/ui/styles';

export type FilterField =
  | { kind: 'text'; name: string; label: string; placeholder?: string }
  | { kind: 'select'; name: string; label: string; anyLabel: string; options: readonly string[] };

/**
 * A list page's filters as a plain GET form: the filters live in the address, so a filtered view can be shared and
 * bookmarked, and the page works without scripts. `extra` goes beside the Filter button (e.g. an export link).
 */
export function FilterForm({ action, label, idPrefix, fields, values, extra }: { action: string; label: string; idPrefix: string; fields: FilterField[]; values: Record<string, string | undefined>; extra?: React.ReactNode }) {
  return (
    <form action={action} method="get" role="search" aria-label={label} className="mb-4 grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap">
      {fields.map((field) => (
        <div key={field.name} className="flex min-w-0 flex-col gap-1">
          <label htmlFor={`${idPrefix}-${field.name}`} className="text-xs font-medium">{field.label}</label>
          {field.kind === 'text' ? (
            <input id={`${idPrefix}-${field.name}`} name={field.name} defaultValue={values[field.name] ?? ''} placeholder={field.placeholder} className={`${inputClass} w-full sm:w-44`} />
          ) : (
            <select id={`${idPrefix}-${field.name}`} name={field.name} defaultValue={values[field.name] ?? ''} className={`${inputClass} w-full sm:w-36`}>
              <option value="">{field.anyLabel}</option>
              {field.options.map((option) => (
                <option key={option} value={option}>{option}</option>
              ))}
            </select>
          )}
        </div>
      ))}
      <div className="col-span-2 flex flex-wrap items-center gap-3">
        <button type="submit" className={buttonClass}>Filter</button>
        {extra}
        {Object.values(values).some(Boolean) && <Link href={action} className={`text-sm ${linkClass}`}>Clear filters</Link>}
      </div>
    </form>
  );
}

import { EnvBadge } from '@/components/env-badge';
import type { DefinitionRead } from '@/lib/store';
import type { EnvName } from '@/lib/ui/environments';
import { shortRevision } from '@/lib/ui/format';
import { focusRing, inputClass, buttonClass } from '@/lib/ui/styles';
import { DefinitionActions } from './definition-actions';
import { EnvLinks } from './env-links';

/** The exact definition.json bytes of an environment or revision, with copy and download. */
export function DefinitionPanel({ name, read, env, revision }: { name: string; read: DefinitionRead; env: EnvName | null; revision: string | null }) {
  const base = `/tests/${encodeURIComponent(name)}`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex items-center gap-2">
          <span className="text-sm font-medium">Show:</span>
          <EnvLinks name={name} tab="definition" current={env} />
        </div>
        <form action={base} method="get" className="flex items-end gap-2">
          <input type="hidden" name="tab" value="definition" />
          <div className="flex flex-col gap-1">
            <label htmlFor="definition-revision" className="text-xs font-medium">Revision</label>
            <input id="definition-revision" name="revision" defaultValue={revision ?? ''} placeholder="40-hex revision" className={`${inputClass} w-80 max-w-full font-mono`} />
          </div>
          <button type="submit" className={buttonClass}>Show</button>
        </form>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm">
          {env ? <EnvBadge env={env} /> : 'Revision'} <code>{shortRevision(read.revision)}</code> <span className="text-slate-600 dark:text-slate-400">({read.revision})</span>
        </p>
        <DefinitionActions text={read.text} fileName={`${name}-${read.revision.slice(0, 7)}-definition.json`} />
      </div>
      <pre aria-label="definition.json" tabIndex={0} className={`max-h-[70vh] overflow-auto rounded border border-slate-200 bg-white p-3 font-mono text-xs dark:border-slate-700 dark:bg-slate-900 ${focusRing}`}>
        {read.text}
      </pre>
    </div>
  );
}

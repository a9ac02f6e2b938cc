import { diffLines, type DiffLine } from '@/lib/proctor/unified-diff';

interface Row {
  left?: DiffLine;
  right?: DiffLine;
}

/** Pairs removed and added lines of a change block so they sit next to each other. */
function pairRows(lines: DiffLine[]): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].kind === 'equal') {
      rows.push({ left: lines[i], right: lines[i] });
      i++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && lines[i].kind !== 'equal') {
      (lines[i].kind === 'remove' ? removed : added).push(lines[i]);
      i++;
    }
    for (let k = 0; k < Math.max(removed.length, added.length); k++) rows.push({ left: removed[k], right: added[k] });
  }
  return rows;
}

/** Long unchanged stretches are folded to a few lines of context. */
function fold(rows: Row[], context = 3): (Row | { skipped: number })[] {
  const changed = rows.map((row) => row.left?.kind !== 'equal' || row.right?.kind !== 'equal');
  const keep = rows.map((_, i) => changed.slice(Math.max(0, i - context), i + context + 1).some(Boolean));
  const out: (Row | { skipped: number })[] = [];
  let skipped = 0;
  rows.forEach((row, i) => {
    if (keep[i]) {
      if (skipped) out.push({ skipped });
      skipped = 0;
      out.push(row);
    } else skipped++;
  });
  if (skipped) out.push({ skipped });
  return out;
}

function Cell({ line, side }: { line?: DiffLine; side: 'left' | 'right' }) {
  const number = side === 'left' ? line?.aLine : line?.bLine;
  const tone = !line ? 'bg-slate-100 dark:bg-slate-800' : line.kind === 'remove' ? 'bg-red-100 dark:bg-red-950' : line.kind === 'add' ? 'bg-green-100 dark:bg-green-950' : '';
  const mark = !line ? '' : line.kind === 'remove' ? '−' : line.kind === 'add' ? '+' : ' ';
  return (
    <>
      <td className={`select-none border-r border-slate-200 px-1 text-right text-slate-600 dark:border-slate-700 dark:text-slate-400 ${tone}`}>{number ?? ''}</td>
      <td className={`whitespace-pre-wrap break-all px-2 ${tone}`}>
        {line && (
          <>
            <span aria-hidden className="select-none">{mark}</span>
            {line.kind !== 'equal' && <span className="sr-only">{line.kind === 'remove' ? 'removed: ' : 'added: '}</span>}
            {line.text}
          </>
        )}
      </td>
    </>
  );
}

/** Side-by-side JSON diff of two definition texts. */
export function SideBySideDiff({ before, after, beforeLabel, afterLabel }: { before: string; after: string; beforeLabel: string; afterLabel: string }) {
  const rows = fold(pairRows(diffLines(before, after)));
  return (
    <div className="relative overflow-x-auto rounded border border-slate-200 dark:border-slate-700">
      <table className="w-full min-w-[44rem] table-fixed border-collapse font-mono text-xs" aria-label={`JSON diff ${beforeLabel} → ${afterLabel}`}>
        <colgroup>
          <col className="w-10" />
          <col />
          <col className="w-10" />
          <col />
        </colgroup>
        <thead className="bg-slate-100 text-left dark:bg-slate-800">
          <tr>
            <th scope="col" colSpan={2} className="px-2 py-1">{beforeLabel}</th>
            <th scope="col" colSpan={2} className="px-2 py-1">{afterLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) =>
            'skipped' in row ? (
              <tr key={index}>
                <td colSpan={4} className="bg-slate-50 px-2 py-0.5 text-center text-slate-600 dark:bg-slate-900 dark:text-slate-400">
                  … {row.skipped} unchanged line{row.skipped === 1 ? '' : 's'} …
                </td>
              </tr>
            ) : (
              <tr key={index}>
                <Cell line={row.left} side="left" />
                <Cell line={row.right} side="right" />
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

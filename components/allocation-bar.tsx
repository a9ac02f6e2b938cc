import { bucketColor } from '@/lib/ui/bucket-color';
import { percent } from '@/lib/ui/format';

export interface BarRange {
  bucketValue: number;
  bucketName: string;
  length: number;
}

/** One allocation as a stacked bar, coloured per bucket (Proctor's md5 colours); the label is the text equivalent. */
export function AllocationBar({ ranges, compact = false, label }: { ranges: BarRange[]; compact?: boolean; label?: string }) {
  const text = ranges.filter((range) => range.length > 0).map((range) => `${range.bucketName} ${percent(range.length)}`).join(', ');
  return (
    <div
      role="img"
      aria-label={`${label ? `${label}: ` : ''}${text || 'no ranges'}`}
      title={text}
      className={`flex w-full overflow-hidden rounded border border-slate-300 dark:border-slate-600 ${compact ? 'h-2.5' : 'h-6'}`}
    >
      {ranges
        .filter((range) => range.length > 0)
        .map((range, index) => (
          <div
            key={index}
            style={{ width: `${range.length * 100}%`, backgroundColor: bucketColor(range.bucketName, range.bucketValue) }}
            className="flex items-center justify-center overflow-hidden whitespace-nowrap text-[11px] text-slate-900"
          >
            {!compact && range.length >= 0.15 ? `${range.bucketName} ${percent(range.length)}` : null}
          </div>
        ))}
    </div>
  );
}

/** Legend: the bucket colours with names, the same colours as the bars. */
export function BucketLegend({ buckets }: { buckets: { name: string; value: number }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
      {buckets.map((bucket) => (
        <li key={`${bucket.value}:${bucket.name}`} className="flex items-center gap-1">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm border border-slate-400" style={{ backgroundColor: bucketColor(bucket.name, bucket.value) }} />
          <span>
            {bucket.name} <span className="text-slate-600 dark:text-slate-400">({bucket.value})</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

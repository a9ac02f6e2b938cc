/**
 * The history graph's rows (issue #20): one row per day, per bucket its units exposed that day, its cumulative value
 * with the interval as a [low, high] band, and its lift against control with its band. Keys use the bucket value
 * (`b1`), never shown: legends and the text alternative say the bucket names. Pure, browser-safe.
 */
import type { ResultsHistory } from './api';

export type HistoryRow = { day: string } & Record<string, number | [number, number] | string | null>;

export interface HistorySeries {
  key: string;
  bucket: number;
  name: string;
  isControl: boolean;
}

export function historyChartData(history: ResultsHistory): { rows: HistoryRow[]; series: HistorySeries[] } {
  const days = [...new Set(history.buckets.flatMap((b) => b.points.map((p) => p.day)))].sort();
  const byDay = new Map<string, HistoryRow>(days.map((day) => [day, { day }]));
  const series: HistorySeries[] = history.buckets.map((b) => ({ key: `b${b.bucket}`.replace('-', 'm'), bucket: b.bucket, name: b.name, isControl: b.bucket === history.control.bucket }));
  history.buckets.forEach((b, i) => {
    const key = series[i].key;
    for (const p of b.points) {
      const row = byDay.get(p.day)!;
      row[`${key}_units`] = p.exposedUnits;
      row[`${key}_value`] = p.mean;
      row[`${key}_band`] = p.interval;
      if (!series[i].isControl) {
        row[`${key}_lift`] = p.lift?.estimate ?? null;
        row[`${key}_liftBand`] = p.lift?.interval ?? null;
      }
    }
  });
  return { rows: days.map((d) => byDay.get(d)!), series };
}

/** The day (row key) on which a phase boundary falls: its date, or the first day after it that has a row. */
export function boundaryDay(rows: HistoryRow[], at: string): string | null {
  const day = at.slice(0, 10);
  return rows.find((r) => r.day >= day)?.day ?? null;
}

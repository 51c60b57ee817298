import { formatCount, formatNumber } from "../lib/format";

export interface WindowStats {
  count: number;
  mean?: number | null;
  stddev?: number | null;
  min?: number | null;
  max?: number | null;
  start?: string | null;
  end?: string | null;
}

interface Props {
  stats: WindowStats;
  unitsShort: string;
}

export function StatsPanel({ stats, unitsShort }: Props) {
  const items: [string, string][] = [
    ["Observations", formatCount(stats.count)],
    ["Mean", formatNumber(stats.mean)],
    ["Std dev", formatNumber(stats.stddev)],
    ["Min", formatNumber(stats.min)],
    ["Max", formatNumber(stats.max)],
  ];
  return (
    <section className="stats" aria-label="Window statistics">
      <header className="stats-header">
        <h2>Window statistics</h2>
        <span className="stats-range">
          {stats.start && stats.end ? `${stats.start} → ${stats.end}` : "no observations"}
          {unitsShort ? ` · ${unitsShort}` : ""}
        </span>
      </header>
      <dl className="stats-grid">
        {items.map(([label, value]) => (
          <div key={label} className="stat">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

import { formatCount, formatNumber, formatSigned } from "../lib/format";

export interface WindowStatsRow {
  window: string;
  windowStart: string;
  windowEnd: string;
  count: number;
  mean?: number | null;
  stddev?: number | null;
  min?: number | null;
  max?: number | null;
  change?: number | null;
}

const WINDOW_LABELS: Record<string, string> = { full: "Full history", "1y": "1 year", "5y": "5 years", "10y": "10 years" };

/** The stored trailing-window statistics (mart_series_window_stats): full, 1, 5 and 10 years. */
export function WindowStatsTable({ rows, unitsShort }: { rows: readonly WindowStatsRow[]; unitsShort: string }) {
  if (rows.length === 0) return null;
  return (
    <section className="table-card" aria-labelledby="window-stats-title">
      <h2 id="window-stats-title">Trailing windows{unitsShort ? ` (${unitsShort})` : ""}</h2>
      <div className="table-scroll" tabIndex={0} aria-label="Trailing window statistics (scrolls sideways)">
        <table>
          <thead>
            <tr>
              <th scope="col">Window</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Obs.</th>
              <th scope="col">Mean</th>
              <th scope="col">Std dev</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.window}>
                <th scope="row">{WINDOW_LABELS[row.window] ?? row.window}</th>
                <td>{row.windowStart}</td>
                <td>{row.windowEnd}</td>
                <td>{formatCount(row.count)}</td>
                <td>{formatNumber(row.mean)}</td>
                <td>{formatNumber(row.stddev)}</td>
                <td>{formatNumber(row.min)}</td>
                <td>{formatNumber(row.max)}</td>
                <td>{formatSigned(row.change)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

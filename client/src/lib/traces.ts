/**
 * Plotly trace construction, kept pure so the band geometry is unit-tested without a DOM.
 * Bands are single closed polygons (upper edge forward, lower edge back) filled with
 * `toself`: one legend entry per band and no dependence on trace order.
 */
import type { Data } from "plotly.js";

export interface SeriesColumns {
  dates: readonly string[];
  values: readonly (number | null)[];
}

export interface ForecastColumns {
  dates: readonly string[];
  mean: readonly number[];
  lower80: readonly number[];
  upper80: readonly number[];
  lower95: readonly number[];
  upper95: readonly number[];
}

export interface Point {
  date: string;
  value: number;
}

export const COLORS = {
  history: "#1f4e79",
  forecast: "#c2410c",
  band80: "rgba(234, 88, 12, 0.28)",
  band95: "rgba(234, 88, 12, 0.13)",
} as const;

/** Last date with a non-null value; the forecast fan is drawn from there. */
export function lastObserved(series: SeriesColumns): Point | null {
  const n = Math.min(series.dates.length, series.values.length);
  for (let i = n - 1; i >= 0; i -= 1) {
    const value = series.values[i];
    const date = series.dates[i];
    if (value !== null && value !== undefined && date !== undefined) return { date, value };
  }
  return null;
}

export function historyTrace(series: SeriesColumns, name: string): Data {
  const n = Math.min(series.dates.length, series.values.length);
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: series.dates.slice(0, n),
    y: series.values.slice(0, n),
    line: { color: COLORS.history, width: 1.6 },
    // FRED marks holidays and gaps as missing; bridge them as FRED's own charts do.
    connectgaps: true,
    hovertemplate: "%{y}<extra>observed</extra>",
  };
}

/** Closed polygon: upper bound left→right, then lower bound right→left. */
export function bandTrace(
  dates: readonly string[],
  lower: readonly number[],
  upper: readonly number[],
  name: string,
  fillcolor: string,
): Data {
  const n = Math.min(dates.length, lower.length, upper.length);
  const x = [...dates.slice(0, n), ...dates.slice(0, n).reverse()];
  const y = [...upper.slice(0, n), ...lower.slice(0, n).reverse()];
  return {
    type: "scatter",
    mode: "lines",
    name,
    x,
    y,
    fill: "toself",
    fillcolor,
    line: { width: 0 },
    hoverinfo: "skip",
  };
}

/**
 * Forecast mean plus 95% and 80% bands (widest first so the narrower one sits on top).
 * With an anchor before the first forecast date every trace starts at the last
 * observation, so the forecast visibly continues the history instead of floating.
 */
export function forecastTraces(forecast: ForecastColumns, anchor: Point | null): Data[] {
  const n = Math.min(
    forecast.dates.length,
    forecast.mean.length,
    forecast.lower80.length,
    forecast.upper80.length,
    forecast.lower95.length,
    forecast.upper95.length,
  );
  if (n === 0) return [];
  const first = forecast.dates[0] as string;
  const joined = anchor !== null && anchor.date < first;
  const withAnchor = (column: readonly number[]): number[] =>
    joined ? [anchor.value, ...column.slice(0, n)] : column.slice(0, n);
  const dates = joined ? [anchor.date, ...forecast.dates.slice(0, n)] : forecast.dates.slice(0, n);

  const mean: Data = {
    type: "scatter",
    mode: "lines",
    name: "Forecast (mean)",
    x: dates,
    y: withAnchor(forecast.mean),
    line: { color: COLORS.forecast, width: 2, dash: "dash" },
    hovertemplate: "%{y}<extra>forecast</extra>",
  };
  return [
    bandTrace(dates, withAnchor(forecast.lower95), withAnchor(forecast.upper95), "95% interval", COLORS.band95),
    bandTrace(dates, withAnchor(forecast.lower80), withAnchor(forecast.upper80), "80% interval", COLORS.band80),
    mean,
  ];
}

export function buildTraces(
  series: SeriesColumns,
  forecast: ForecastColumns | null,
  historyName: string,
): Data[] {
  const traces: Data[] = [historyTrace(series, historyName)];
  if (forecast) traces.push(...forecastTraces(forecast, lastObserved(series)));
  return traces;
}

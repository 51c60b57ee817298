/**
 * The correlation view's arithmetic and Plotly traces, kept pure so they are unit-tested without
 * a DOM: pairing two series on their common dates, Pearson's r, the least-squares line, the
 * heatmap of a correlation matrix and the scatter of one pair.
 *
 * The r the view prints is always the API's (Query.correlation's matrix), so the heatmap, the
 * table and the scatter agree; `pearson` here recomputes it from the points drawn, which checks
 * that the scatter shows the very points the API's r was computed on.
 */
import type { Data } from "plotly.js";
import { formatCount, formatNumber } from "./format";
import type { BasisCode } from "./viewState";

export interface SeriesColumns {
  dates: readonly string[];
  values: readonly (number | null)[];
}

/** Two series' values on the dates both hold a number, in date order. */
export interface PairedPoints {
  dates: string[];
  x: number[];
  y: number[];
}

export interface Line {
  slope: number;
  intercept: number;
}

/** What the API answers for a correlation matrix (Query.correlation), as far as traces need it. */
export interface CorrelationMatrix {
  ids: readonly string[];
  matrix: readonly (readonly (number | null)[])[];
  counts: readonly (readonly number[])[];
  pairStarts: readonly (readonly (string | null)[])[];
  pairEnds: readonly (readonly (string | null)[])[];
}

/** Fewer common points than this leave r undefined (the API's rule too). */
export const MIN_POINTS = 3;

/** -1 red, 0 near white, +1 blue: a diverging scale that reads the sign at a glance. */
export const DIVERGING: [number, string][] = [
  [0, "#b2182b"],
  [0.25, "#ef8a62"],
  [0.5, "#f7f7f7"],
  [0.75, "#67a9cf"],
  [1, "#2166ac"],
];

export const SCATTER_COLORS = { points: "#1f4e79", line: "#c2410c" } as const;

const usable = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

/**
 * The inner join of two series on their dates, keeping the dates where both have a value
 * (a null is a missing observation or an empty month, not a point). Dates need not be sorted;
 * the result is in date order.
 */
export function pairOnDates(a: SeriesColumns, b: SeriesColumns): PairedPoints {
  const byDate = new Map<string, number>();
  const n = Math.min(b.dates.length, b.values.length);
  for (let i = 0; i < n; i += 1) {
    const value = b.values[i];
    if (usable(value)) byDate.set(b.dates[i] as string, value);
  }
  const rows: [string, number, number][] = [];
  const seen = new Set<string>();
  const m = Math.min(a.dates.length, a.values.length);
  for (let i = 0; i < m; i += 1) {
    const date = a.dates[i] as string;
    const value = a.values[i];
    const other = byDate.get(date);
    if (!usable(value) || other === undefined || seen.has(date)) continue;
    seen.add(date);
    rows.push([date, value, other]);
  }
  rows.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
  return { dates: rows.map((r) => r[0]), x: rows.map((r) => r[1]), y: rows.map((r) => r[2]) };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

interface Moments {
  sxx: number;
  syy: number;
  sxy: number;
  mx: number;
  my: number;
}

/** Centred sums of squares and cross-products (two-pass, so large levels lose no precision). */
function moments(x: readonly number[], y: readonly number[]): Moments {
  const n = Math.min(x.length, y.length);
  const mx = mean(x.slice(0, n));
  const my = mean(y.slice(0, n));
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return { sxx, syy, sxy, mx, my };
}

/**
 * Pearson's r of paired values, as the API defines it: null below MIN_POINTS points or when
 * either side's values are all equal.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (Math.min(x.length, y.length) < MIN_POINTS) return null;
  const { sxx, syy, sxy } = moments(x, y);
  if (sxx === 0 || syy === 0) return null;
  // Rounding can push |r| a hair past 1 for perfectly linear data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ordinary least squares of y on x (y = intercept + slope x); null below 2 points or for constant x. */
export function leastSquares(x: readonly number[], y: readonly number[]): Line | null {
  if (Math.min(x.length, y.length) < 2) return null;
  const { sxx, sxy, mx, my } = moments(x, y);
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/** r with two decimals and a true minus sign; "—" when undefined. */
export function formatR(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return "—";
  const text = Math.abs(r).toFixed(2);
  return r < 0 && text !== "0.00" ? `−${text}` : text;
}

/** What one common point is on a basis: a month or a date. */
export function pointNoun(basis: BasisCode, count: number): string {
  const noun = basis === "monthly" ? "month" : "date";
  return count === 1 ? noun : `${noun}s`;
}

/** A point's label: months by year and month (they are labelled by their first day), dates whole. */
export function pointLabel(date: string, basis: BasisCode): string {
  return basis === "monthly" ? date.slice(0, 7) : date;
}

/** The sentence a cell's hover and the table's tooltip give for pair (i, j). */
export function cellDescription(result: CorrelationMatrix, i: number, j: number, basis: BasisCode): string {
  const a = result.ids[i] ?? "";
  const b = result.ids[j] ?? "";
  const n = result.counts[i]?.[j] ?? 0;
  const r = result.matrix[i]?.[j] ?? null;
  if (i === j) return `${a}: ${n} ${pointNoun(basis, n)} in the window`;
  const first = result.pairStarts[i]?.[j];
  const last = result.pairEnds[i]?.[j];
  const span = first && last ? `, ${first} to ${last}` : "";
  if (r === null) {
    const why =
      n < MIN_POINTS
        ? `too few common points (${n} common ${pointNoun(basis, n)}; r needs ${MIN_POINTS})`
        : `r undefined: one side is constant over its ${n} common ${pointNoun(basis, n)}`;
    return `${a} and ${b}: ${why}${span}`;
  }
  return `${a} and ${b}: r = ${formatR(r)}, n = ${n} common ${pointNoun(basis, n)}${span}`;
}

/**
 * The matrix as a heatmap: rows and columns in the order of `ids`, r printed in each cell, a
 * fixed [-1, 1] diverging scale (so colours compare across windows), null cells left blank with
 * a hover that says why. Lay it out with the y axis reversed so it reads like a table.
 */
export function heatmapTrace(result: CorrelationMatrix, basis: BasisCode): Data {
  const ids = [...result.ids];
  const z = ids.map((_, i) => ids.map((__, j) => result.matrix[i]?.[j] ?? null));
  return {
    type: "heatmap",
    name: "Correlation matrix",
    x: ids,
    y: ids,
    z,
    zmin: -1,
    zmax: 1,
    zmid: 0,
    colorscale: DIVERGING,
    colorbar: { title: { text: "r" }, thickness: 12, tickvals: [-1, -0.5, 0, 0.5, 1] },
    text: z.map((row) => row.map((r) => (r === null ? "" : formatR(r)))),
    texttemplate: "%{text}",
    hovertext: ids.map((_, i) => ids.map((__, j) => cellDescription(result, i, j, basis))),
    hovertemplate: "%{hovertext}<extra></extra>",
    hoverongaps: true,
    xgap: 2,
    ygap: 2,
  };
}

export interface ScatterNames {
  /** The indicator on the x axis and the one on the y axis. */
  x: string;
  y: string;
}

/**
 * One marker per common point (x: the first indicator, y: the second) and the least-squares
 * line across the points' x range. `r` is the API's (printed in the line's legend entry).
 */
export function scatterTraces(points: PairedPoints, names: ScatterNames, basis: BasisCode, r: number | null): Data[] {
  const n = Math.min(points.x.length, points.y.length, points.dates.length);
  const traces: Data[] = [
    {
      type: "scatter",
      mode: "markers",
      name: `${formatCount(n)} common ${pointNoun(basis, n)}`,
      x: points.x.slice(0, n),
      y: points.y.slice(0, n),
      customdata: points.dates.slice(0, n).map((d) => pointLabel(d, basis)),
      marker: { color: SCATTER_COLORS.points, size: n > 2000 ? 4 : 6, opacity: n > 2000 ? 0.45 : 0.75 },
      hovertemplate: `%{customdata}<br>${names.x}: %{x}<br>${names.y}: %{y}<extra></extra>`,
    },
  ];
  const line = leastSquares(points.x.slice(0, n), points.y.slice(0, n));
  if (line) {
    // A loop, not Math.min(...x): tens of thousands of daily points overflow an argument list.
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of points.x.slice(0, n)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    traces.push({
      type: "scatter",
      mode: "lines",
      name: `Least-squares line (r = ${formatR(r)})`,
      x: [lo, hi],
      y: [line.intercept + line.slope * lo, line.intercept + line.slope * hi],
      line: { color: SCATTER_COLORS.line, width: 2 },
      hovertemplate: `${lineEquation(line, names.x, names.y)}<extra>least squares</extra>`,
    });
  }
  return traces;
}

/** CSV rows of the matrix: one per indicator, its id then r with each indicator (empty where undefined). */
export function matrixRows(result: CorrelationMatrix): (string | number | null)[][] {
  return result.ids.map((id, i) => [id, ...result.ids.map((_, j) => result.matrix[i]?.[j] ?? null)]);
}

/** CSV rows of the pair's points: date, first value, second value. */
export function pairRows(points: PairedPoints): (string | number)[][] {
  return points.dates.map((date, i) => [date, points.x[i] as number, points.y[i] as number]);
}

/** The pair of a cell the user clicked on the heatmap: [row id, column id], or null for the diagonal or a miss. */
export function pairOfCell(ids: readonly string[], row: unknown, column: unknown): [string, string] | null {
  const label = (value: unknown): string | undefined =>
    typeof value === "number" ? ids[value] : typeof value === "string" && ids.includes(value) ? value : undefined;
  const a = label(row);
  const b = label(column);
  if (a === undefined || b === undefined || a === b) return null;
  return [a, b];
}

/**
 * Whether a series has monthly averages (CorrelationBasis MONTHLY): observed monthly or more
 * often. FRED names frequencies "Daily", "Daily, Close", "Weekly, Ending Friday", "Biweekly, …",
 * "Monthly", "Quarterly", "Semiannual", "Annual".
 */
export function pairsMonthly(indicator: { frequency: string }): boolean {
  return /^(daily|weekly|biweekly|monthly)/i.test(indicator.frequency.trim());
}

/** How many indicators the view shows when the address names fewer than two it knows. */
export const DEFAULT_COUNT = 6;

export interface ChosenIds {
  /** What the view correlates: the known ids of the address, topped up when fewer than 2. */
  ids: string[];
  /** What the picker shows and an edit writes back: the address's ids (unknown ones too) and the top-up. */
  listed: string[];
  unknown: string[];
}

/**
 * The indicators to correlate: the address's known ids; with fewer than two, those topped up
 * with the first catalog ids the basis can pair (monthly: no quarterly or annual series) to
 * DEFAULT_COUNT. The top-up is not written to the address until the user edits.
 */
export function chooseIds(
  requested: readonly string[],
  catalog: readonly { id: string; frequency: string }[],
  basis: BasisCode,
): ChosenIds {
  const known = requested.filter((id) => catalog.some((i) => i.id === id));
  const unknown = requested.filter((id) => !known.includes(id));
  if (known.length >= 2) return { ids: known, listed: [...requested], unknown };
  const extra = catalog
    .filter((i) => !known.includes(i.id) && (basis === "daily" || pairsMonthly(i)))
    .slice(0, Math.max(0, DEFAULT_COUNT - known.length))
    .map((i) => i.id);
  return { ids: [...known, ...extra], listed: [...requested, ...extra], unknown };
}

/**
 * The scatter's pair: the address's when both are shown; else the first two ids the basis can
 * pair (`pairable`), else the first two ids.
 */
export function choosePair(
  pair: readonly [string, string] | null,
  ids: readonly string[],
  pairable: (id: string) => boolean = () => true,
): [string, string] | null {
  if (pair && ids.includes(pair[0]) && ids.includes(pair[1]) && pair[0] !== pair[1]) return [pair[0], pair[1]];
  const usableIds = ids.filter(pairable);
  const from = usableIds.length >= 2 ? usableIds : ids;
  return from.length >= 2 ? [from[0] as string, from[1] as string] : null;
}

/** A fitted line as an equation, with a true minus sign: "y = 1.2 − 0.5 × x". */
export function lineEquation(line: Line | null, x: string, y: string): string {
  if (line === null) return "—";
  const sign = line.slope < 0 ? "−" : "+";
  return `${y} = ${formatNumber(line.intercept)} ${sign} ${formatNumber(Math.abs(line.slope))} × ${x}`;
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The heatmap's colour for r (linear between the scale's stops), as rgba with `alpha`; null: no colour. */
export function colorOfR(r: number | null | undefined, alpha = 1): string | null {
  if (r === null || r === undefined || !Number.isFinite(r)) return null;
  const t = (Math.max(-1, Math.min(1, r)) + 1) / 2;
  let k = 1;
  while (k < DIVERGING.length - 1 && (DIVERGING[k] as [number, string])[0] < t) k += 1;
  const [t0, c0] = DIVERGING[k - 1] as [number, string];
  const [t1, c1] = DIVERGING[k] as [number, string];
  const f = t1 === t0 ? 0 : (t - t0) / (t1 - t0);
  const [a, b] = [hexRgb(c0), hexRgb(c1)];
  const mix = a.map((v, i) => Math.round(v + ((b[i] as number) - v) * f));
  return `rgba(${mix.join(", ")}, ${alpha})`;
}

/**
 * The compare view's chart, kept pure so it is unit-tested without a DOM: one line per
 * indicator on a shared date axis, on a scale that makes different units comparable (index,
 * z-score, …) or, for two indicators, on a y axis each.
 */
import type { Data, Layout, Shape } from "plotly.js";
import { joinOnDates, type Cell } from "./csv";
import { TRANSFORM_LABELS, type AxisMode, type TransformCode } from "./viewState";

export interface CompareSeries {
  id: string;
  title: string;
  units: string;
  observations: { dates: readonly string[]; values: readonly (number | null)[] };
}

/** The scales the compare view offers, in the order the picker lists them. */
export const COMPARE_SCALES: readonly TransformCode[] = ["index100", "zscore", "pc1", "minmax", "lin"];

const SCALE_LABELS: Partial<Record<TransformCode, string>> = { lin: "Level (own units)" };

export function scaleLabel(transform: TransformCode): string {
  return SCALE_LABELS[transform] ?? TRANSFORM_LABELS[transform];
}

/** The picker's options; a transform the URL holds outside the list is offered too, so the select tells the truth. */
export function scaleOptions(current: TransformCode): (readonly [TransformCode, string])[] {
  const codes = COMPARE_SCALES.includes(current) ? COMPARE_SCALES : [...COMPARE_SCALES, current];
  return codes.map((code) => [code, scaleLabel(code)] as const);
}

/** Transforms whose values stay in the series' own units: different units do not share an axis. */
const OWN_UNITS: ReadonlySet<TransformCode> = new Set<TransformCode>(["lin", "chg", "ch1"]);

/** Transforms whose values swing around zero (the zero line is worth drawing). */
const AROUND_ZERO: ReadonlySet<TransformCode> = new Set<TransformCode>([
  "chg",
  "ch1",
  "pch",
  "pc1",
  "pca",
  "cch",
  "cca",
  "zscore",
]);

export function keepsOwnUnits(transform: TransformCode): boolean {
  return OWN_UNITS.has(transform);
}

/** Line colours, one per indicator (at most 8); the first is the history view's blue. */
export const PALETTE = [
  "#1f4e79",
  "#c2410c",
  "#15803d",
  "#7c3aed",
  "#a16207",
  "#0e7490",
  "#be185d",
  "#4b5563",
] as const;

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/** Dual axes take exactly two indicators; any other count shares one axis. */
export function effectiveAxis(axis: AxisMode, count: number): AxisMode {
  return axis === "dual" && count === 2 ? "dual" : "shared";
}

/** What one series' plotted values are measured in: its units on levels and changes, else the scale. */
export function plottedUnits(series: Pick<CompareSeries, "units">, transform: TransformCode): string {
  if (transform === "lin") return series.units;
  if (OWN_UNITS.has(transform)) return `${TRANSFORM_LABELS[transform]} (${series.units})`;
  return TRANSFORM_LABELS[transform];
}

/** The distinct units of the series, in order of first appearance. */
export function distinctUnits(series: readonly Pick<CompareSeries, "units">[]): string[] {
  return [...new Set(series.map((s) => s.units))];
}

/**
 * Whether one axis would mix units: a level (or change) of series measured in different units,
 * where a percent and an index value share a scale that means nothing.
 */
export function mixesUnits(
  series: readonly Pick<CompareSeries, "units">[],
  transform: TransformCode,
  axis: AxisMode,
): boolean {
  const shared = effectiveAxis(axis, series.length) === "shared";
  return OWN_UNITS.has(transform) && shared && distinctUnits(series).length > 1;
}

/** The shared y axis' title: the scale, or the units when every series has the same. */
export function sharedAxisTitle(series: readonly Pick<CompareSeries, "units">[], transform: TransformCode): string {
  if (!OWN_UNITS.has(transform)) return TRANSFORM_LABELS[transform];
  const units = distinctUnits(series);
  if (units.length === 1) return plottedUnits({ units: units[0] as string }, transform);
  return `${TRANSFORM_LABELS[transform]} (mixed units)`;
}

export function compareTraces(series: readonly CompareSeries[], axis: AxisMode): Data[] {
  const dual = effectiveAxis(axis, series.length) === "dual";
  return series.map((s, index) => {
    const n = Math.min(s.observations.dates.length, s.observations.values.length);
    return {
      type: "scatter",
      mode: "lines",
      name: s.id,
      x: s.observations.dates.slice(0, n),
      y: s.observations.values.slice(0, n),
      line: { color: colorOf(index), width: 1.6 },
      // Holidays and gaps are missing values: bridged, as FRED's own charts do.
      connectgaps: true,
      hovertemplate: "%{y:.4~g}",
      ...(dual && index === 1 ? { yaxis: "y2" } : {}),
    } satisfies Data;
  });
}

const AXIS_STYLE = { gridcolor: "#eef0f3", automargin: true } as const;

export function compareLayout(
  series: readonly CompareSeries[],
  transform: TransformCode,
  axis: AxisMode,
): Partial<Layout> {
  const zeroline = AROUND_ZERO.has(transform);
  const zero = { zeroline, zerolinecolor: "#94a3b8" };
  const shapes: Partial<Shape>[] =
    transform === "index100"
      ? [
          {
            type: "line",
            xref: "paper",
            x0: 0,
            x1: 1,
            yref: "y",
            y0: 100,
            y1: 100,
            line: { color: "#94a3b8", width: 1, dash: "dot" },
          },
        ]
      : [];

  if (effectiveAxis(axis, series.length) === "dual") {
    const [left, right] = series as [CompareSeries, CompareSeries];
    const title = (s: CompareSeries, index: number) => ({
      text: `${s.id}: ${plottedUnits(s, transform)}`,
      font: { color: colorOf(index) },
    });
    return {
      margin: { l: 64, r: 64, t: 8, b: 48 },
      shapes,
      yaxis: { ...AXIS_STYLE, ...zero, title: title(left, 0), tickfont: { color: colorOf(0) } },
      yaxis2: {
        ...zero,
        automargin: true,
        title: title(right, 1),
        tickfont: { color: colorOf(1) },
        overlaying: "y",
        side: "right",
        // One grid (the left axis'): two would cross each other.
        showgrid: false,
      },
    };
  }
  return { shapes, yaxis: { ...AXIS_STYLE, ...zero, title: { text: sharedAxisTitle(series, transform) } } };
}

/** Whether a series has at least one value to draw. */
export function hasValues(series: Pick<CompareSeries, "observations">): boolean {
  return series.observations.values.some((v) => v !== null && Number.isFinite(v));
}

export function csvHeader(series: readonly CompareSeries[], transform: TransformCode): string[] {
  return ["date", ...series.map((s) => `${s.id} (${plottedUnits(s, transform)})`)];
}

/** The plotted values, one row per date any series has, one column per series. */
export function csvRows(series: readonly CompareSeries[]): Cell[][] {
  return joinOnDates(series.map((s) => s.observations));
}

export interface WindowSummary {
  id: string;
  first: { date: string; value: number } | null;
  last: { date: string; value: number } | null;
  min: number | null;
  max: number | null;
  /** last − first, on the plotted scale. */
  change: number | null;
}

/** What the chart shows of each series, as numbers: first and last value, range, change. */
export function windowSummary(series: CompareSeries): WindowSummary {
  const { dates, values } = series.observations;
  const n = Math.min(dates.length, values.length);
  let first: WindowSummary["first"] = null;
  let last: WindowSummary["last"] = null;
  let min: number | null = null;
  let max: number | null = null;
  for (let i = 0; i < n; i += 1) {
    const value = values[i];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    const point = { date: dates[i] as string, value };
    if (first === null) first = point;
    last = point;
    min = min === null ? value : Math.min(min, value);
    max = max === null ? value : Math.max(max, value);
  }
  return { id: series.id, first, last, min, max, change: first && last ? last.value - first.value : null };
}


/**
 * The technicals figure, kept pure so it is unit-tested without a DOM: one Plotly figure with
 * two panes sharing the x axis. The top pane (y) holds the weekly or monthly candles of a daily
 * series with its moving averages and Bollinger bands; the bottom pane (y2) its annualised
 * volatility. Columns come from the API as they are (lib/viewState.ts, schema.graphql):
 * nulls (a window not yet full) stay nulls, which Plotly leaves as gaps, never zeros.
 */
import type { Data, Layout } from "plotly.js";
import type { Cell } from "./csv";
import { formatNumber, formatPercent } from "./format";
import type { FrequencyCode } from "./viewState";

type Column = readonly (number | null)[];

export interface CandleColumns {
  /** First day of each period: the Monday of the ISO week, or the 1st of the month. */
  dates: readonly string[];
  open: Column;
  high: Column;
  low: Column;
  close: Column;
}

export interface TechnicalColumns {
  dates: readonly string[];
  sma20: Column;
  sma50: Column;
  sma200: Column;
  /** Annualised, as a fraction (0.2 = 20%): sample stddev of daily log returns × √252. */
  volatility21: Column;
  volatility63: Column;
  bollingerUpper: Column;
  /** Equal to sma20 (Bollinger (20, 2)): not drawn a second time. */
  bollingerMiddle: Column;
  bollingerLower: Column;
}

/** The candle periods the API serves (Indicator.candles takes WEEKLY or MONTHLY). */
export type CandleCode = "w" | "m";

export const CANDLE_LABELS: Record<CandleCode, string> = { w: "Weekly", m: "Monthly" };

/**
 * The candles a URL's `frequency` asks for: null means monthly; quarterly or annual cannot be
 * drawn as candles, so they are reported (`unsupported`) and monthly is shown.
 */
export function candleFrequency(code: FrequencyCode | null): { code: CandleCode; unsupported: FrequencyCode | null } {
  if (code === "w" || code === "m") return { code, unsupported: null };
  return { code: "m", unsupported: code };
}

export const TECHNICAL_COLORS = {
  up: "#15803d",
  down: "#b42318",
  sma20: "#2563eb",
  sma50: "#d97706",
  sma200: "#7c3aed",
  bollinger: "#64748b",
  band: "rgba(100, 116, 139, 0.13)",
  volatility21: "#0f766e",
  volatility63: "#be185d",
} as const;

/** The top pane's share of the figure's height, and the bottom one's (a gap between them). */
export const PRICE_DOMAIN: [number, number] = [0.3, 1];
export const VOLATILITY_DOMAIN: [number, number] = [0, 0.22];

const WEEK_MS = 7 * 24 * 3600 * 1000;

function length(dates: readonly string[], ...columns: Column[]): number {
  return Math.min(dates.length, ...columns.map((c) => c.length));
}

function present(value: number | null | undefined): value is number {
  return value !== null && value !== undefined && Number.isFinite(value);
}

/** Candles with all four prices (a candle with a missing price cannot be drawn). */
export function completeCandles(candles: CandleColumns): {
  dates: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
} {
  const n = length(candles.dates, candles.open, candles.high, candles.low, candles.close);
  const keep: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if ([candles.open[i], candles.high[i], candles.low[i], candles.close[i]].every(present)) keep.push(i);
  }
  const prices = (column: Column): number[] => keep.map((i) => column[i] as number);
  return {
    dates: keep.map((i) => candles.dates[i] as string),
    open: prices(candles.open),
    high: prices(candles.high),
    low: prices(candles.low),
    close: prices(candles.close),
  };
}

/**
 * The candlestick trace. Each candle covers its whole week or month: Plotly places it in the
 * middle of the period that starts at its date, so it lines up with the daily lines over it.
 */
export function candleTrace(candles: CandleColumns, frequency: CandleCode, name: string): Data {
  const shown = completeCandles(candles);
  // 2000-01-03 was a Monday: weekly periods start on Mondays, as the API's ISO weeks do.
  const period =
    frequency === "w" ? { xperiod: WEEK_MS, xperiod0: "2000-01-03" } : { xperiod: "M1", xperiod0: "2000-01-01" };
  return {
    type: "candlestick",
    name,
    x: shown.dates,
    open: shown.open,
    high: shown.high,
    low: shown.low,
    close: shown.close,
    ...period,
    xperiodalignment: "middle",
    // The hover names the period, not the day the candle is drawn on.
    xhoverformat: frequency === "w" ? "week of %b %-d, %Y" : "%B %Y",
    increasing: { line: { color: TECHNICAL_COLORS.up, width: 1 }, fillcolor: TECHNICAL_COLORS.up },
    decreasing: { line: { color: TECHNICAL_COLORS.down, width: 1 }, fillcolor: TECHNICAL_COLORS.down },
    whiskerwidth: 0.3,
    xaxis: "x",
    yaxis: "y",
  };
}

function lineTrace(
  dates: readonly string[],
  values: Column,
  name: string,
  color: string,
  extra: Record<string, unknown> = {},
): Data {
  const n = length(dates, values);
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: dates.slice(0, n),
    // Nulls stay nulls: Plotly breaks the line there (connectgaps off) instead of drawing 0.
    y: values.slice(0, n),
    connectgaps: false,
    line: { color, width: 1.4 },
    xaxis: "x",
    yaxis: "y",
    ...extra,
  } as Data;
}

export function smaTraces(technicals: TechnicalColumns): Data[] {
  return [
    lineTrace(technicals.dates, technicals.sma20, "SMA 20", TECHNICAL_COLORS.sma20),
    lineTrace(technicals.dates, technicals.sma50, "SMA 50", TECHNICAL_COLORS.sma50),
    lineTrace(technicals.dates, technicals.sma200, "SMA 200", TECHNICAL_COLORS.sma200),
  ];
}

/**
 * The Bollinger band's fill as closed polygons, one per run of dates where both bounds are
 * defined (upper edge forward, lower edge back), runs separated by a null point: with `toself`
 * Plotly closes each run on its own, so a gap is never filled across or down to zero.
 */
export function bandPolygon(
  dates: readonly string[],
  lower: Column,
  upper: Column,
): { x: (string | null)[]; y: (number | null)[] } {
  const n = length(dates, lower, upper);
  const x: (string | null)[] = [];
  const y: (number | null)[] = [];
  let run: number[] = [];
  const close = () => {
    if (run.length === 0) return;
    if (x.length > 0) {
      x.push(null);
      y.push(null);
    }
    for (const i of run) {
      x.push(dates[i] as string);
      y.push(upper[i] as number);
    }
    for (const i of [...run].reverse()) {
      x.push(dates[i] as string);
      y.push(lower[i] as number);
    }
    run = [];
  };
  for (let i = 0; i < n; i += 1) {
    if (present(lower[i]) && present(upper[i])) run.push(i);
    else close();
  }
  close();
  return { x, y };
}

/**
 * Bollinger (20, 2): the band lightly filled (its legend entry, which hides or shows the band
 * and both bounds together) and its bounds as dotted lines. The middle line is SMA 20.
 */
export function bollingerTraces(technicals: TechnicalColumns): Data[] {
  const polygon = bandPolygon(technicals.dates, technicals.bollingerLower, technicals.bollingerUpper);
  const bound = {
    legendgroup: "bollinger",
    showlegend: false,
    line: { color: TECHNICAL_COLORS.bollinger, width: 1, dash: "dot" },
  };
  return [
    {
      type: "scatter",
      mode: "lines",
      name: "Bollinger band (20, 2)",
      x: polygon.x,
      y: polygon.y,
      fill: "toself",
      fillcolor: TECHNICAL_COLORS.band,
      line: { width: 0 },
      connectgaps: false,
      hoverinfo: "skip",
      legendgroup: "bollinger",
      xaxis: "x",
      yaxis: "y",
    },
    lineTrace(technicals.dates, technicals.bollingerUpper, "Bollinger upper", TECHNICAL_COLORS.bollinger, bound),
    lineTrace(technicals.dates, technicals.bollingerLower, "Bollinger lower", TECHNICAL_COLORS.bollinger, bound),
  ];
}

/** Annualised volatility over 21 and 63 observations, in the bottom pane (y2), as percentages. */
export function volatilityTraces(technicals: TechnicalColumns): Data[] {
  const pane = { yaxis: "y2", yhoverformat: ".1%" };
  return [
    lineTrace(technicals.dates, technicals.volatility21, "Volatility 21", TECHNICAL_COLORS.volatility21, pane),
    lineTrace(technicals.dates, technicals.volatility63, "Volatility 63", TECHNICAL_COLORS.volatility63, pane),
  ];
}

/** Every trace of the figure: candles, then the overlays drawn over them, then the bottom pane. */
export function buildTechnicalTraces(
  candles: CandleColumns,
  technicals: TechnicalColumns,
  frequency: CandleCode,
  candleName: string,
): Data[] {
  // The band's fill goes first, so the candles and lines are drawn over it.
  const [band, ...bounds] = bollingerTraces(technicals);
  return [
    band as Data,
    candleTrace(candles, frequency, candleName),
    ...smaTraces(technicals),
    ...bounds,
    ...volatilityTraces(technicals),
  ];
}

const GRID = "#eef0f3";

/**
 * Two panes on one x axis: the x axis is anchored to the bottom pane so its dates sit under the
 * volatility, and zooming either pane zooms both. Plotly's range slider (on by default under
 * candles) is off: it would sit between the panes.
 */
export function technicalsLayout(unitsLabel: string): Partial<Layout> {
  return {
    hovermode: "x unified",
    hoverlabel: { namelength: -1 },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    xaxis: {
      type: "date",
      anchor: "y2",
      rangeslider: { visible: false },
      gridcolor: GRID,
      showline: true,
      linecolor: "#cbd5e1",
      automargin: true,
    },
    yaxis: {
      domain: PRICE_DOMAIN,
      title: { text: unitsLabel },
      gridcolor: GRID,
      zeroline: false,
      automargin: true,
    },
    yaxis2: {
      domain: VOLATILITY_DOMAIN,
      title: { text: "Volatility (annualised)" },
      tickformat: ".0%",
      rangemode: "tozero",
      gridcolor: GRID,
      zeroline: false,
      automargin: true,
    },
  };
}

/** The last `count` candles, newest first (the table under the chart). */
export function latestCandles(
  candles: CandleColumns,
  count = 12,
): { date: string; open: number | null; high: number | null; low: number | null; close: number | null }[] {
  const n = length(candles.dates, candles.open, candles.high, candles.low, candles.close);
  const rows = [];
  for (let i = n - 1; i >= Math.max(0, n - count); i -= 1) {
    rows.push({
      date: candles.dates[i] as string,
      open: candles.open[i] ?? null,
      high: candles.high[i] ?? null,
      low: candles.low[i] ?? null,
      close: candles.close[i] ?? null,
    });
  }
  return rows;
}

type TechnicalKey = Exclude<keyof TechnicalColumns, "dates">;

/** The measures of the latest-technicals table and the technicals CSV, in order. */
export const TECHNICAL_MEASURES: readonly { key: TechnicalKey; label: string; volatility: boolean }[] = [
  { key: "sma20", label: "SMA 20", volatility: false },
  { key: "sma50", label: "SMA 50", volatility: false },
  { key: "sma200", label: "SMA 200", volatility: false },
  { key: "bollingerUpper", label: "Bollinger upper", volatility: false },
  { key: "bollingerMiddle", label: "Bollinger middle (= SMA 20)", volatility: false },
  { key: "bollingerLower", label: "Bollinger lower", volatility: false },
  { key: "volatility21", label: "Volatility 21 (annualised)", volatility: true },
  { key: "volatility63", label: "Volatility 63 (annualised)", volatility: true },
];

/** The latest row of technicals (its date and each measure; null where its window is not full). */
export function latestTechnicals(
  technicals: TechnicalColumns,
): { date: string; values: Record<TechnicalKey, number | null> } | null {
  const i = technicals.dates.length - 1;
  if (i < 0) return null;
  const values = Object.fromEntries(
    TECHNICAL_MEASURES.map(({ key }) => [key, technicals[key][i] ?? null]),
  ) as Record<TechnicalKey, number | null>;
  return { date: technicals.dates[i] as string, values };
}

/** A measure as the table shows it: volatility (a fraction) as a percentage, the rest as numbers. */
export function formatMeasure(value: number | null, volatility: boolean): string {
  return volatility ? formatPercent(present(value) ? value * 100 : null) : formatNumber(value);
}

export const CANDLE_CSV_HEADER = ["period_start", "open", "high", "low", "close"] as const;

export function candleCsvRows(candles: CandleColumns): Cell[][] {
  const n = length(candles.dates, candles.open, candles.high, candles.low, candles.close);
  return Array.from({ length: n }, (_, i) => [
    candles.dates[i],
    candles.open[i],
    candles.high[i],
    candles.low[i],
    candles.close[i],
  ]);
}

/** Volatility stays a fraction in the CSV (as the API serves it); its header says so. */
export const TECHNICALS_CSV_HEADER = [
  "date",
  "sma20",
  "sma50",
  "sma200",
  "bollinger_upper",
  "bollinger_middle",
  "bollinger_lower",
  "volatility21_annualised_fraction",
  "volatility63_annualised_fraction",
] as const;

export function technicalsCsvRows(technicals: TechnicalColumns): Cell[][] {
  return technicals.dates.map((date, i) => [date, ...TECHNICAL_MEASURES.map(({ key }) => technicals[key][i] ?? null)]);
}

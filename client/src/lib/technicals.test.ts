import type { Data } from "plotly.js";
import { describe, expect, it } from "vitest";
import {
  bandPolygon,
  buildTechnicalTraces,
  candleCsvRows,
  candleFrequency,
  candleTrace,
  completeCandles,
  formatMeasure,
  latestCandles,
  latestTechnicals,
  PRICE_DOMAIN,
  technicalsCsvRows,
  TECHNICALS_CSV_HEADER,
  technicalsLayout,
  VOLATILITY_DOMAIN,
  type CandleColumns,
  type TechnicalColumns,
} from "./technicals";

type Trace = Data & {
  type?: string;
  name?: string;
  x?: unknown[];
  y?: unknown[];
  xaxis?: string;
  yaxis?: string;
  fill?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: string;
  xperiod?: unknown;
  xperiod0?: unknown;
  xperiodalignment?: string;
};

const candles: CandleColumns = {
  dates: ["2024-01-01", "2024-02-01", "2024-03-01"],
  open: [4.0, 4.1, 4.3],
  high: [4.2, 4.4, 4.5],
  low: [3.9, 4.0, 4.2],
  close: [4.1, 4.3, 4.25],
};

const technicals: TechnicalColumns = {
  dates: ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],
  sma20: [null, 4.0, 4.1, 4.2],
  sma50: [null, null, 4.05, 4.1],
  sma200: [null, null, null, null],
  volatility21: [null, 0.12, 0.15, 0.2],
  volatility63: [null, null, null, 0.18],
  bollingerUpper: [null, 4.4, 4.5, 4.6],
  bollingerMiddle: [null, 4.0, 4.1, 4.2],
  bollingerLower: [null, 3.6, 3.7, 3.8],
};

describe("candleFrequency", () => {
  it("draws weekly or monthly candles, monthly by default", () => {
    expect(candleFrequency("w")).toEqual({ code: "w", unsupported: null });
    expect(candleFrequency("m")).toEqual({ code: "m", unsupported: null });
    expect(candleFrequency(null)).toEqual({ code: "m", unsupported: null });
  });

  it("reports quarterly and annual, and shows monthly", () => {
    expect(candleFrequency("q")).toEqual({ code: "m", unsupported: "q" });
    expect(candleFrequency("a")).toEqual({ code: "m", unsupported: "a" });
  });
});

describe("candleTrace", () => {
  it("is a candlestick on the top pane, each candle in the middle of its month", () => {
    const trace = candleTrace(candles, "m", "DGS10 (monthly)") as Trace & { open: number[]; close: number[] };
    expect(trace.type).toBe("candlestick");
    expect(trace.x).toEqual(candles.dates);
    expect(trace.open).toEqual([4.0, 4.1, 4.3]);
    expect(trace.close).toEqual([4.1, 4.3, 4.25]);
    expect(trace.xaxis).toBe("x");
    expect(trace.yaxis).toBe("y");
    expect(trace.xperiod).toBe("M1");
    expect(trace.xperiodalignment).toBe("middle");
    expect(trace).toMatchObject({ xhoverformat: "%B %Y" });
  });

  it("counts weekly periods from a Monday (ISO weeks)", () => {
    const trace = candleTrace(candles, "w", "w") as Trace;
    expect(trace.xperiod).toBe(7 * 24 * 3600 * 1000);
    expect(new Date(`${String(trace.xperiod0)}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(trace).toMatchObject({ xhoverformat: "week of %b %-d, %Y" });
  });

  it("leaves out a candle with a missing price rather than drawing it at zero", () => {
    const gappy: CandleColumns = { ...candles, low: [3.9, null, 4.2] };
    expect(completeCandles(gappy).dates).toEqual(["2024-01-01", "2024-03-01"]);
    const trace = candleTrace(gappy, "m", "c") as Trace & { low: number[] };
    expect(trace.low).toEqual([3.9, 4.2]);
  });
});

describe("bandPolygon", () => {
  it("closes each run of defined bounds on its own: upper forward, lower back", () => {
    const polygon = bandPolygon(
      ["d1", "d2", "d3", "d4", "d5"],
      [1, 2, null, 4, 5],
      [11, 12, null, 14, 15],
    );
    expect(polygon.x).toEqual(["d1", "d2", "d2", "d1", null, "d4", "d5", "d5", "d4"]);
    expect(polygon.y).toEqual([11, 12, 2, 1, null, 14, 15, 5, 4]);
  });

  it("is empty when no bound is defined", () => {
    expect(bandPolygon(["d1"], [null], [null])).toEqual({ x: [], y: [] });
  });
});

describe("buildTechnicalTraces", () => {
  const traces = buildTechnicalTraces(candles, technicals, "m", "DGS10 (monthly)") as Trace[];
  const byName = (name: string) => traces.find((t) => t.name === name) as Trace;

  it("draws candles, SMAs and Bollinger bands on y, volatility on y2, all on one x axis", () => {
    expect(traces.map((t) => `${t.type}:${t.name}:${t.yaxis}`)).toEqual([
      "scatter:Bollinger band (20, 2):y",
      "candlestick:DGS10 (monthly):y",
      "scatter:SMA 20:y",
      "scatter:SMA 50:y",
      "scatter:SMA 200:y",
      "scatter:Bollinger upper:y",
      "scatter:Bollinger lower:y",
      "scatter:Volatility 21:y2",
      "scatter:Volatility 63:y2",
    ]);
    expect(new Set(traces.map((t) => t.xaxis))).toEqual(new Set(["x"]));
  });

  it("does not draw the Bollinger middle line (it is SMA 20)", () => {
    expect(traces.some((t) => /middle/i.test(t.name ?? ""))).toBe(false);
  });

  it("keeps nulls as gaps, never zeros", () => {
    expect(byName("SMA 20").y).toEqual([null, 4.0, 4.1, 4.2]);
    expect(byName("SMA 200").y).toEqual([null, null, null, null]);
    expect(byName("Volatility 63").y).toEqual([null, null, null, 0.18]);
    for (const trace of traces) expect(trace.y ?? []).not.toContain(0);
    expect(byName("SMA 20")).toMatchObject({ connectgaps: false });
  });

  it("fills the band only where both bounds exist, one legend entry for band and bounds", () => {
    const band = byName("Bollinger band (20, 2)");
    expect(band.fill).toBe("toself");
    expect(band.hoverinfo).toBe("skip");
    expect(band.x).toEqual(["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-05", "2024-01-04", "2024-01-03"]);
    expect(band.y).toEqual([4.4, 4.5, 4.6, 3.8, 3.7, 3.6]);
    for (const name of ["Bollinger upper", "Bollinger lower"]) {
      expect(byName(name).legendgroup).toBe(band.legendgroup);
      expect(byName(name).showlegend).toBe(false);
    }
  });

  it("shows volatility (a fraction) as a percentage on hover", () => {
    expect(byName("Volatility 21")).toMatchObject({ yhoverformat: ".1%" });
  });
});

describe("technicalsLayout", () => {
  const layout = technicalsLayout("%");

  it("stacks two panes on one date axis without a range slider", () => {
    expect(layout.yaxis?.domain).toEqual(PRICE_DOMAIN);
    expect(layout.yaxis2?.domain).toEqual(VOLATILITY_DOMAIN);
    const [top] = PRICE_DOMAIN;
    const [, bottom] = VOLATILITY_DOMAIN;
    expect(bottom).toBeLessThan(top);
    expect(layout.xaxis?.type).toBe("date");
    expect(layout.xaxis?.anchor).toBe("y2");
    expect(layout.xaxis?.rangeslider?.visible).toBe(false);
    expect(layout.xaxis2).toBeUndefined();
  });

  it("labels the price axis with the units and the volatility axis as annualised percent", () => {
    expect(layout.yaxis?.title).toEqual({ text: "%" });
    expect(layout.yaxis2?.title).toEqual({ text: "Volatility (annualised)" });
    expect(layout.yaxis2?.tickformat).toBe(".0%");
  });

  it("puts a horizontal legend above the chart", () => {
    expect(layout.legend).toMatchObject({ orientation: "h", yanchor: "bottom" });
    expect(layout.legend?.y).toBeGreaterThan(1);
  });
});

describe("tables and CSV", () => {
  it("lists the latest candles newest first", () => {
    expect(latestCandles(candles, 2)).toEqual([
      { date: "2024-03-01", open: 4.3, high: 4.5, low: 4.2, close: 4.25 },
      { date: "2024-02-01", open: 4.1, high: 4.4, low: 4.0, close: 4.3 },
    ]);
    expect(latestCandles({ dates: [], open: [], high: [], low: [], close: [] })).toEqual([]);
  });

  it("reads the last row of technicals, nulls included", () => {
    const latest = latestTechnicals(technicals);
    expect(latest?.date).toBe("2024-01-05");
    expect(latest?.values).toMatchObject({ sma20: 4.2, sma200: null, volatility21: 0.2, bollingerMiddle: 4.2 });
    expect(latestTechnicals({ ...technicals, dates: [] })).toBeNull();
  });

  it("formats volatility as a percentage and missing values as a dash", () => {
    expect(formatMeasure(0.1834, true)).toBe("18.3%");
    expect(formatMeasure(4.2, false)).toBe("4.2");
    expect(formatMeasure(null, true)).toBe("—");
  });

  it("writes one CSV row per candle and per technicals date", () => {
    expect(candleCsvRows(candles)[1]).toEqual(["2024-02-01", 4.1, 4.4, 4.0, 4.3]);
    const rows = technicalsCsvRows(technicals);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual(["2024-01-02", null, null, null, null, null, null, null, null]);
    expect(rows[3]).toEqual(["2024-01-05", 4.2, 4.1, null, 4.6, 4.2, 3.8, 0.2, 0.18]);
    expect(rows[3]).toHaveLength(TECHNICALS_CSV_HEADER.length);
  });
});

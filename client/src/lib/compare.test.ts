import type { ScatterData } from "plotly.js";
import { describe, expect, it } from "vitest";
import {
  colorOf,
  compareLayout,
  compareTraces,
  csvHeader,
  csvRows,
  effectiveAxis,
  hasValues,
  mixesUnits,
  plottedUnits,
  scaleOptions,
  sharedAxisTitle,
  windowSummary,
  type CompareSeries,
} from "./compare";

const rate: CompareSeries = {
  id: "DGS10",
  title: "10-Year Treasury",
  units: "Percent",
  observations: { dates: ["2024-01-01", "2024-02-01", "2024-03-01"], values: [4.1, null, 4.3] },
};
const stocks: CompareSeries = {
  id: "SP500",
  title: "S&P 500",
  units: "Index",
  observations: { dates: ["2024-02-01", "2024-03-01"], values: [4900, 5100] },
};
const mortgage: CompareSeries = {
  id: "MORTGAGE30US",
  title: "30-Year Mortgage",
  units: "Percent",
  observations: { dates: ["2024-01-01"], values: [6.6] },
};

const asPlot = (trace: unknown) => trace as Partial<ScatterData>;

describe("scaleOptions", () => {
  it("lists the comparable scales, level last and labelled as own units", () => {
    expect(scaleOptions("index100").map(([code]) => code)).toEqual(["index100", "zscore", "pc1", "minmax", "lin"]);
    expect(scaleOptions("index100")[0]).toEqual(["index100", "Index (2015 = 100)"]);
    expect(scaleOptions("lin").at(-1)).toEqual(["lin", "Level (own units)"]);
  });

  it("adds the URL's transform when it is not one of them, so the select shows it", () => {
    const options = scaleOptions("log");
    expect(options).toHaveLength(6);
    expect(options.at(-1)).toEqual(["log", "Natural log"]);
  });
});

describe("effectiveAxis", () => {
  it("gives two axes to exactly two indicators only", () => {
    expect(effectiveAxis("dual", 2)).toBe("dual");
    expect(effectiveAxis("dual", 1)).toBe("shared");
    expect(effectiveAxis("dual", 3)).toBe("shared");
    expect(effectiveAxis("shared", 2)).toBe("shared");
  });
});

describe("compareTraces", () => {
  it("draws one coloured line per indicator on the first y axis when shared", () => {
    const traces = compareTraces([rate, stocks, mortgage], "shared").map(asPlot);
    expect(traces.map((t) => t.name)).toEqual(["DGS10", "SP500", "MORTGAGE30US"]);
    expect(traces.every((t) => t.type === "scatter" && t.yaxis === undefined)).toBe(true);
    expect(traces.map((t) => t.line?.color)).toEqual([colorOf(0), colorOf(1), colorOf(2)]);
    expect(traces[0]?.x).toEqual(["2024-01-01", "2024-02-01", "2024-03-01"]);
    expect(traces[0]?.y).toEqual([4.1, null, 4.3]);
    expect(traces[0]?.connectgaps).toBe(true);
  });

  it("puts the second of two indicators on y2 with dual axes", () => {
    const traces = compareTraces([rate, stocks], "dual").map(asPlot);
    expect(traces.map((t) => t.yaxis)).toEqual([undefined, "y2"]);
  });

  it("ignores dual axes for three indicators", () => {
    expect(compareTraces([rate, stocks, mortgage], "dual").map((t) => asPlot(t).yaxis)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("cuts columns of unequal length to the shorter", () => {
    const ragged = { ...rate, observations: { dates: ["2024-01-01", "2024-02-01"], values: [1] } };
    const [trace] = compareTraces([ragged], "shared").map(asPlot);
    expect(trace?.x).toEqual(["2024-01-01"]);
  });
});

describe("compareLayout", () => {
  it("titles a shared axis with the scale", () => {
    const layout = compareLayout([rate, stocks], "index100", "shared");
    expect(layout.yaxis?.title).toEqual({ text: "Index (2015 = 100)" });
    expect(layout.yaxis2).toBeUndefined();
    // the base year's level, as a dotted reference line
    expect(layout.shapes).toHaveLength(1);
    expect(layout.shapes?.[0]).toMatchObject({ y0: 100, y1: 100, xref: "paper" });
  });

  it("titles a shared level axis with the common units, or says they are mixed", () => {
    expect(compareLayout([rate, mortgage], "lin", "shared").yaxis?.title).toEqual({ text: "Percent" });
    expect(compareLayout([rate, stocks], "lin", "shared").yaxis?.title).toEqual({ text: "Level (mixed units)" });
  });

  it("gives dual axes each its indicator's units, the second on the right over the first", () => {
    const layout = compareLayout([rate, stocks], "lin", "dual");
    expect(layout.yaxis?.title).toMatchObject({ text: "DGS10: Percent", font: { color: colorOf(0) } });
    expect(layout.yaxis2).toMatchObject({
      title: { text: "SP500: Index", font: { color: colorOf(1) } },
      overlaying: "y",
      side: "right",
      showgrid: false,
    });
    expect(layout.shapes).toEqual([]);
  });

  it("draws the zero line on scales around zero only", () => {
    expect(compareLayout([rate], "zscore", "shared").yaxis?.zeroline).toBe(true);
    expect(compareLayout([rate], "pc1", "shared").yaxis?.zeroline).toBe(true);
    expect(compareLayout([rate], "minmax", "shared").yaxis?.zeroline).toBe(false);
  });
});

describe("units", () => {
  it("names what the plotted values are measured in", () => {
    expect(plottedUnits(rate, "lin")).toBe("Percent");
    expect(plottedUnits(rate, "chg")).toBe("Change (Percent)");
    expect(plottedUnits(rate, "zscore")).toBe("Z-score");
  });

  it("flags levels of different units on one axis, and nothing else", () => {
    expect(mixesUnits([rate, stocks], "lin", "shared")).toBe(true);
    expect(mixesUnits([rate, stocks], "ch1", "shared")).toBe(true);
    expect(mixesUnits([rate, stocks], "lin", "dual")).toBe(false);
    expect(mixesUnits([rate, stocks, mortgage], "lin", "dual")).toBe(true);
    expect(mixesUnits([rate, mortgage], "lin", "shared")).toBe(false);
    expect(mixesUnits([rate, stocks], "index100", "shared")).toBe(false);
  });

  it("titles the shared axis of changes with their common units", () => {
    expect(sharedAxisTitle([rate, mortgage], "ch1")).toBe("Change from a year ago (Percent)");
  });
});

describe("export and summaries", () => {
  it("heads the CSV with each id and its plotted units, rows joined on dates", () => {
    expect(csvHeader([rate, stocks], "index100")).toEqual([
      "date",
      "DGS10 (Index (2015 = 100))",
      "SP500 (Index (2015 = 100))",
    ]);
    expect(csvHeader([rate], "lin")).toEqual(["date", "DGS10 (Percent)"]);
    expect(csvRows([rate, stocks])).toEqual([
      ["2024-01-01", 4.1, null],
      ["2024-02-01", null, 4900],
      ["2024-03-01", 4.3, 5100],
    ]);
  });

  it("summarises the window: first and last values, range and change, skipping gaps", () => {
    const gappy = { ...rate, observations: { dates: ["a", "b", "c", "d"], values: [null, 3, 1, 2] } };
    expect(windowSummary(gappy)).toEqual({
      id: "DGS10",
      first: { date: "b", value: 3 },
      last: { date: "d", value: 2 },
      min: 1,
      max: 3,
      change: -1,
    });
    const empty = { ...rate, observations: { dates: ["a"], values: [null] } };
    expect(windowSummary(empty)).toMatchObject({ first: null, last: null, min: null, max: null, change: null });
    expect(hasValues(empty)).toBe(false);
    expect(hasValues(rate)).toBe(true);
  });
});

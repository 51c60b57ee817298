import { describe, expect, it } from "vitest";
import {
  cellDescription,
  chooseIds,
  choosePair,
  colorOfR,
  formatR,
  heatmapTrace,
  leastSquares,
  lineEquation,
  matrixRows,
  pairOfCell,
  pairOnDates,
  pairRows,
  pairsMonthly,
  pearson,
  scatterTraces,
  type CorrelationMatrix,
} from "./correlation";

const months = (year: number, count: number): string[] =>
  Array.from({ length: count }, (_, k) => `${year + Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}-01`);

/**
 * Two monthly series as the API serves them (period starts, nulls for empty months) that share
 * twelve months with a value on both sides; the rest is one-sided or empty.
 */
const X = [4.02, 4.21, 4.19, 4.54, 4.48, 4.31, 4.25, 3.87, 3.72, 4.1, 4.36, 4.39];
const Y = [3.7, 3.9, 3.9, 3.9, 4.0, 4.0, 4.1, 4.2, 4.1, 4.1, 4.2, 4.1];
const common = months(2023, 12);
const seriesA = {
  // 2022-12 only in A; 2024-01 in both but null in A.
  dates: ["2022-12-01", ...common, "2024-01-01"],
  values: [4.0, ...X, null],
};
const seriesB = {
  // 2024-01 has a value in B only; 2024-02 only in B.
  dates: [...common, "2024-01-01", "2024-02-01"],
  values: [...Y, 4.3, 4.4],
};

/**
 * The r the API serves for this pair: centred Pearson on the twelve common months, here as
 * Python's statistics.correlation(X, Y) gives it (an implementation independent of ours).
 */
const API_R = -0.12388452333031258;

const matrix: CorrelationMatrix = {
  ids: ["A", "B", "C"],
  matrix: [
    [1, API_R, null],
    [API_R, 1, 0.5],
    [null, 0.5, 1],
  ],
  counts: [
    [13, 12, 2],
    [12, 14, 40],
    [2, 40, 40],
  ],
  pairStarts: [
    ["2022-12-01", "2023-01-01", "2023-01-01"],
    ["2023-01-01", "2023-01-01", "2021-01-01"],
    ["2023-01-01", "2021-01-01", "2021-01-01"],
  ],
  pairEnds: [
    ["2023-12-01", "2023-12-01", "2023-02-01"],
    ["2023-12-01", "2024-02-01", "2024-04-01"],
    ["2023-02-01", "2024-04-01", "2024-04-01"],
  ],
};

describe("pairOnDates", () => {
  it("keeps the dates where both series have a value, in date order", () => {
    const points = pairOnDates(seriesA, seriesB);
    expect(points.dates).toEqual(common);
    expect(points.x).toEqual(X);
    expect(points.y).toEqual(Y);
  });

  it("sorts unsorted input and ignores duplicates and missing values", () => {
    const points = pairOnDates(
      { dates: ["2024-03-01", "2024-01-01", "2024-01-01", "2024-02-01"], values: [3, 1, 9, null] },
      { dates: ["2024-01-01", "2024-02-01", "2024-03-01"], values: [10, 20, 30] },
    );
    expect(points).toEqual({ dates: ["2024-01-01", "2024-03-01"], x: [1, 3], y: [10, 30] });
  });

  it("returns no points without common dates", () => {
    const points = pairOnDates({ dates: ["2024-01-01"], values: [1] }, { dates: ["2024-01-02"], values: [1] });
    expect(points.dates).toEqual([]);
  });
});

describe("pearson", () => {
  it("gives back the API's r from the paired points", () => {
    const points = pairOnDates(seriesA, seriesB);
    const r = pearson(points.x, points.y);
    expect(r).not.toBeNull();
    expect(Math.abs((r as number) - API_R)).toBeLessThan(1e-12);
    expect(formatR(r)).toBe(formatR(API_R));
  });

  it("is exact on a small example and symmetric", () => {
    // x̄ = ȳ = 2.5, Σdxdy = 3, Σdx² = Σdy² = 5: r = 0.6.
    expect(pearson([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 14);
    expect(pearson([2, 1, 4, 3], [1, 2, 3, 4])).toBeCloseTo(0.6, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
  });

  it("does not lose precision on large levels", () => {
    const x = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4];
    expect(pearson(x, [2, 1, 4, 3])).toBeCloseTo(0.6, 9);
  });

  it("is undefined below three points or for a constant side", () => {
    expect(pearson([1, 2], [3, 4])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([7, 7, 7], [1, 2, 3])).toBeNull();
  });
});

describe("leastSquares", () => {
  it("fits y on x", () => {
    const line = leastSquares([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(line?.slope).toBeCloseTo(2, 12);
    expect(line?.intercept).toBeCloseTo(1, 12);
  });

  it("matches an independent fit of the example", () => {
    // Python's statistics.linear_regression(X, Y).
    const line = leastSquares(X, Y);
    expect(line?.slope).toBeCloseTo(-0.07463449545036269, 12);
    expect(line?.intercept).toBeCloseTo(4.330380329209691, 12);
  });

  it("is undefined for constant x or a single point", () => {
    expect(leastSquares([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(leastSquares([1], [1])).toBeNull();
  });
});

describe("lineEquation", () => {
  it("writes the fit with a true minus sign", () => {
    const line = { intercept: 3472.91, slope: -319.2184 };
    expect(lineEquation(line, "DGS10", "SP500")).toBe("SP500 = 3,472.9 − 319.218 × DGS10");
    expect(lineEquation({ intercept: 1, slope: 2 }, "x", "y")).toBe("y = 1 + 2 × x");
    expect(lineEquation(null, "x", "y")).toBe("—");
  });
});

describe("formatR", () => {
  it("prints two decimals with a true minus sign", () => {
    expect(formatR(0.8349)).toBe("0.83");
    expect(formatR(-0.125)).toBe("−0.13");
    expect(formatR(-0.001)).toBe("0.00");
    expect(formatR(1)).toBe("1.00");
    expect(formatR(null)).toBe("—");
  });
});

describe("heatmapTrace", () => {
  it("draws the matrix on a fixed diverging scale with r in each cell", () => {
    const trace = heatmapTrace(matrix, "monthly") as Record<string, unknown>;
    expect(trace.type).toBe("heatmap");
    expect(trace.x).toEqual(["A", "B", "C"]);
    expect(trace.y).toEqual(["A", "B", "C"]);
    expect(trace.z).toEqual(matrix.matrix);
    expect([trace.zmin, trace.zmax]).toEqual([-1, 1]);
    expect(trace.texttemplate).toBe("%{text}");
    expect(trace.text).toEqual([
      ["1.00", "−0.12", ""],
      ["−0.12", "1.00", "0.50"],
      ["", "0.50", "1.00"],
    ]);
    const hover = trace.hovertext as string[][];
    expect(hover[0]?.[2]).toBe("A and C: too few common points (2 common months; r needs 3), 2023-01-01 to 2023-02-01");
    expect(hover[1]?.[2]).toBe("B and C: r = 0.50, n = 40 common months, 2021-01-01 to 2024-04-01");
    expect(hover[1]?.[1]).toBe("B: 14 months in the window");
  });

  it("says when r is undefined although there are enough points", () => {
    const flat = { ...matrix, counts: [[5, 5, 5], [5, 5, 5], [5, 5, 5]] };
    expect(cellDescription(flat, 0, 2, "daily")).toMatch(
      /^A and C: r undefined: one side is constant over its 5 common dates/,
    );
  });
});

describe("scatterTraces", () => {
  it("draws one marker per point and the least-squares line labelled with the API's r", () => {
    const points = pairOnDates(seriesA, seriesB);
    const [markers, line] = scatterTraces(points, { x: "A", y: "B" }, "monthly", API_R) as Record<string, unknown>[];
    expect(markers?.type).toBe("scatter");
    expect(markers?.mode).toBe("markers");
    expect(markers?.name).toBe("12 common months");
    expect(markers?.x).toEqual(X);
    expect(markers?.y).toEqual(Y);
    expect((markers?.customdata as string[])[0]).toBe("2023-01");
    expect(markers?.hovertemplate).toContain("A: %{x}");
    expect(line?.mode).toBe("lines");
    expect(line?.name).toBe("Least-squares line (r = −0.12)");
    const [lo, hi] = line?.x as number[];
    expect([lo, hi]).toEqual([3.72, 4.54]);
    const [y0, y1] = line?.y as number[];
    expect(y0).toBeCloseTo(4.330380329209691 - 0.07463449545036269 * 3.72, 12);
    expect(y1).toBeCloseTo(4.330380329209691 - 0.07463449545036269 * 4.54, 12);
  });

  it("leaves the line out when x is constant and names dates on the daily basis", () => {
    const points = { dates: ["2024-01-02", "2024-01-03"], x: [1, 1], y: [1, 2] };
    const traces = scatterTraces(points, { x: "A", y: "B" }, "daily", null);
    expect(traces).toHaveLength(1);
    expect((traces[0] as { name: string }).name).toBe("2 common dates");
    expect((traces[0] as { customdata: string[] }).customdata).toEqual(["2024-01-02", "2024-01-03"]);
  });
});

describe("CSV rows", () => {
  it("lists the matrix by id and the points by date", () => {
    expect(matrixRows(matrix)[0]).toEqual(["A", 1, API_R, null]);
    expect(pairRows({ dates: ["2024-01-01"], x: [1.5], y: [2] })).toEqual([["2024-01-01", 1.5, 2]]);
  });
});

describe("pairOfCell", () => {
  const ids = ["A", "B", "C"];
  it("maps a clicked cell to [row, column]", () => {
    expect(pairOfCell(ids, "A", "B")).toEqual(["A", "B"]);
    expect(pairOfCell(ids, 2, 0)).toEqual(["C", "A"]);
  });
  it("ignores the diagonal and unknown labels", () => {
    expect(pairOfCell(ids, "B", "B")).toBeNull();
    expect(pairOfCell(ids, "Z", "A")).toBeNull();
    expect(pairOfCell(ids, undefined, "A")).toBeNull();
  });
});

describe("choosing ids and the pair", () => {
  const catalog = [
    { id: "GDP", frequency: "Quarterly" },
    { id: "DGS10", frequency: "Daily" },
    { id: "ICSA", frequency: "Weekly, Ending Saturday" },
    { id: "UNRATE", frequency: "Monthly" },
    { id: "GDPA", frequency: "Annual" },
    { id: "SP500", frequency: "Daily, Close" },
    { id: "CPIAUCSL", frequency: "Monthly" },
    { id: "FEDFUNDS", frequency: "Monthly" },
    { id: "M2SL", frequency: "Monthly" },
  ];

  it("knows which series have monthly averages", () => {
    const monthly = catalog.filter(pairsMonthly).map((i) => i.id);
    expect(monthly).toEqual(["DGS10", "ICSA", "UNRATE", "SP500", "CPIAUCSL", "FEDFUNDS", "M2SL"]);
  });

  it("keeps two or more known ids as asked, unknown ones apart", () => {
    expect(chooseIds(["UNRATE", "NOPE", "GDP"], catalog, "monthly")).toEqual({
      ids: ["UNRATE", "GDP"],
      listed: ["UNRATE", "NOPE", "GDP"],
      unknown: ["NOPE"],
    });
  });

  it("tops up fewer than two known ids with the first six the basis can pair", () => {
    expect(chooseIds([], catalog, "monthly").ids).toEqual(["DGS10", "ICSA", "UNRATE", "SP500", "CPIAUCSL", "FEDFUNDS"]);
    expect(chooseIds([], catalog, "daily").ids).toEqual(["GDP", "DGS10", "ICSA", "UNRATE", "GDPA", "SP500"]);
    expect(chooseIds(["M2SL"], catalog, "monthly")).toEqual({
      ids: ["M2SL", "DGS10", "ICSA", "UNRATE", "SP500", "CPIAUCSL"],
      listed: ["M2SL", "DGS10", "ICSA", "UNRATE", "SP500", "CPIAUCSL"],
      unknown: [],
    });
  });

  it("uses the address's pair when both are shown, else the first two", () => {
    expect(choosePair(["C", "A"], ["A", "B", "C"])).toEqual(["C", "A"]);
    expect(choosePair(["Z", "A"], ["A", "B", "C"])).toEqual(["A", "B"]);
    expect(choosePair(null, ["A"])).toBeNull();
  });

  it("by default skips ids the basis cannot pair, unless fewer than two remain", () => {
    const monthly = (id: string) => id !== "GDP";
    expect(choosePair(null, ["GDP", "UNRATE", "DGS10"], monthly)).toEqual(["UNRATE", "DGS10"]);
    expect(choosePair(["GDP", "DGS10"], ["GDP", "UNRATE", "DGS10"], monthly)).toEqual(["GDP", "DGS10"]);
    expect(choosePair(null, ["GDP", "UNRATE"], monthly)).toEqual(["GDP", "UNRATE"]);
  });
});

describe("colorOfR", () => {
  it("follows the diverging scale", () => {
    expect(colorOfR(-1)).toBe("rgba(178, 24, 43, 1)");
    expect(colorOfR(0, 0.5)).toBe("rgba(247, 247, 247, 0.5)");
    expect(colorOfR(1)).toBe("rgba(33, 102, 172, 1)");
    expect(colorOfR(null)).toBeNull();
  });
});

import type { ScatterData } from "plotly.js";
import { describe, expect, it } from "vitest";
import { bandTrace, buildTraces, forecastTraces, lastObserved } from "./traces";

const forecast = {
  dates: ["2024-05-01", "2024-06-01", "2024-07-01"],
  mean: [2, 3, 4],
  lower80: [1.5, 2, 2.5],
  upper80: [2.5, 4, 5.5],
  lower95: [1, 1, 1],
  upper95: [3, 5, 7],
};

const asPlot = (trace: unknown) => trace as Partial<ScatterData>;

describe("bandTrace", () => {
  it("builds a closed polygon: upper edge forwards, lower edge backwards", () => {
    const trace = asPlot(bandTrace(["a", "b", "c"], [1, 2, 3], [10, 20, 30], "band", "red"));
    expect(trace.x).toEqual(["a", "b", "c", "c", "b", "a"]);
    expect(trace.y).toEqual([10, 20, 30, 3, 2, 1]);
    expect(trace.fill).toBe("toself");
    expect(trace.fillcolor).toBe("red");
  });

  it("truncates to the shortest column instead of drawing a skewed shape", () => {
    const trace = asPlot(bandTrace(["a", "b", "c"], [1, 2], [10, 20, 30], "band", "red"));
    expect(trace.x).toEqual(["a", "b", "b", "a"]);
    expect(trace.y).toEqual([10, 20, 2, 1]);
  });
});

describe("forecastTraces", () => {
  it("returns the 95% band, then the 80% band, then the mean", () => {
    const traces = forecastTraces(forecast, null).map(asPlot);
    expect(traces.map((t) => t.name)).toEqual(["95% interval", "80% interval", "Forecast (mean)"]);
    expect(traces[2]?.x).toEqual(forecast.dates);
    expect(traces[2]?.y).toEqual(forecast.mean);
    expect(traces[0]?.y).toEqual([3, 5, 7, 1, 1, 1]);
    expect(traces[1]?.y).toEqual([2.5, 4, 5.5, 2.5, 2, 1.5]);
  });

  it("starts every trace at the last observation so the fan joins the history", () => {
    const traces = forecastTraces(forecast, { date: "2024-04-01", value: 1.8 }).map(asPlot);
    expect(traces[2]?.x).toEqual(["2024-04-01", ...forecast.dates]);
    expect(traces[2]?.y).toEqual([1.8, 2, 3, 4]);
    // The band pinches to zero width at the anchor on both edges.
    expect(traces[0]?.y?.[0]).toBe(1.8);
    expect(traces[0]?.y?.at(-1)).toBe(1.8);
  });

  it("ignores an anchor that is not before the forecast", () => {
    const traces = forecastTraces(forecast, { date: "2024-05-01", value: 9 }).map(asPlot);
    expect(traces[2]?.x).toEqual(forecast.dates);
  });

  it("draws nothing for an empty forecast", () => {
    const empty = { dates: [], mean: [], lower80: [], upper80: [], lower95: [], upper95: [] };
    expect(forecastTraces(empty, null)).toEqual([]);
  });
});

describe("lastObserved and buildTraces", () => {
  it("skips trailing missing values", () => {
    expect(lastObserved({ dates: ["a", "b", "c"], values: [1, 2, null] })).toEqual({ date: "b", value: 2 });
    expect(lastObserved({ dates: ["a"], values: [null] })).toBeNull();
  });

  it("keeps missing values as nulls (bridged, not zero) and adds forecast traces only when given", () => {
    const series = { dates: ["2024-03-01", "2024-04-01"], values: [null, 1.8] };
    const historyOnly = buildTraces(series, null, "DGS10").map(asPlot);
    expect(historyOnly).toHaveLength(1);
    expect(historyOnly[0]?.y).toEqual([null, 1.8]);
    expect(historyOnly[0]?.name).toBe("DGS10");
    expect(buildTraces(series, forecast, "DGS10")).toHaveLength(4);
  });
});

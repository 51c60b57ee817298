import type { Data, PlotType } from "plotly.js";
import Plotly, { TRACE_TYPES } from "./plotlyBundle";

/** Whether Plotly accepts `type` for a trace: `validate` checks it against the registered types. */
function accepts(type: PlotType): boolean {
  // validate answers undefined, not [], when it finds nothing (its typings say an array).
  const problems = Plotly.validate([{ type, x: [1, 2], y: [1, 2] } as Data], {}) ?? [];
  return !problems.some((problem) => problem.astr === "type");
}

/**
 * Every trace type Plotly has registered, from its plot schema (`Plotly.PlotSchema.get()`, the
 * runtime API plotly.js builds its schema JSON with; plotly.js' typings leave it out).
 */
function schemaTraceTypes(): string[] {
  const { PlotSchema } = Plotly as unknown as { PlotSchema: { get(): { traces: Record<string, unknown> } } };
  return Object.keys(PlotSchema.get().traces).sort();
}

describe("the partial Plotly bundle", () => {
  it("test_registers_exactly_scatter_candlestick_and_heatmap", () => {
    expect([...TRACE_TYPES].sort()).toEqual(["candlestick", "heatmap", "scatter"]);
    expect(schemaTraceTypes()).toEqual(["candlestick", "heatmap", "scatter"]);
    for (const type of TRACE_TYPES) expect(accepts(type), type).toBe(true);
  });

  it("test_rejects_trace_types_it_does_not_ship", () => {
    for (const type of ["pie", "bar", "box", "ohlc", "scattergl", "contour", "histogram"] as const) {
      expect(accepts(type), type).toBe(false);
    }
  });
});

import { describe, expect, it } from "vitest";
import { createCache } from "./apollo";
import { ModelSelectionQuery } from "./components/ModelSelection";
import { indicatorResult, selectionResult } from "./test/fixtures";
import { HistoryViewQuery } from "./views/HistoryView";

const openWindow = {
  start: null,
  end: null,
  transform: "LEVEL",
  frequency: null,
  aggregation: "AVG",
  maxPoints: 2000,
} as const;

function viewData(id: string, runId: string, mean: number[]) {
  const base = indicatorResult({ id });
  return { indicator: { ...base.indicator, forecast: { ...base.indicator.forecast!, runId, mean } } };
}

describe("createCache", () => {
  it("keeps each indicator's forecast apart when one run forecast both", () => {
    const cache = createCache();
    cache.writeQuery({ query: HistoryViewQuery, variables: { id: "DGS10", ...openWindow }, data: viewData("DGS10", "run-1", [4.2, 4.3]) });
    cache.writeQuery({ query: HistoryViewQuery, variables: { id: "UNRATE", ...openWindow }, data: viewData("UNRATE", "run-1", [3.9, 4.0]) });

    const dgs10 = cache.readQuery({ query: HistoryViewQuery, variables: { id: "DGS10", ...openWindow } });
    expect(dgs10?.indicator.forecast?.mean).toEqual([4.2, 4.3]);
  });

  it("merges the chart's and the selection's fields of the same run's forecast", () => {
    const cache = createCache();
    cache.writeQuery({ query: ModelSelectionQuery, variables: { id: "DGS10" }, data: selectionResult() });
    cache.writeQuery({ query: HistoryViewQuery, variables: { id: "DGS10", ...openWindow }, data: viewData("DGS10", "run-1", [1, 2]) });

    const selection = cache.readQuery({ query: ModelSelectionQuery, variables: { id: "DGS10" } });
    expect(selection?.indicator.forecast?.selection.chosen).toBe("ets");
    const view = cache.readQuery({ query: HistoryViewQuery, variables: { id: "DGS10", ...openWindow } });
    expect(view?.indicator.forecast?.mean).toEqual([1, 2]);
  });

  it("drops an older run's selection when a newer run's forecast arrives", () => {
    const cache = createCache();
    cache.writeQuery({ query: ModelSelectionQuery, variables: { id: "DGS10" }, data: selectionResult() });
    cache.writeQuery({ query: HistoryViewQuery, variables: { id: "DGS10", ...openWindow }, data: viewData("DGS10", "run-2", [1, 2]) });

    // Incomplete for the new run, so the selection is fetched again rather than shown stale.
    expect(cache.readQuery({ query: ModelSelectionQuery, variables: { id: "DGS10" } })).toBeNull();
  });
});

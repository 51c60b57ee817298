import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Data, Layout } from "plotly.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "../apollo";
import type { CatalogIndicator } from "../catalog";
import { ModelSelectionQuery } from "../components/ModelSelection";
import { useViewState } from "../lib/useViewState";
import { indicatorResult, selectionResult } from "../test/fixtures";
import { parseViewState } from "../lib/viewState";
import HistoryView, { chartImageUrl, HistoryViewQuery, MAX_POINTS } from "./HistoryView";

// jsdom cannot render Plotly; the stub records which traces the chart was given.
vi.mock("../components/PlotlyChart", () => ({
  default: ({ data, layout }: { data: Data[]; layout?: Partial<Layout> }) => (
    <div data-testid="plot" data-y-title={JSON.stringify(layout?.yaxis?.title ?? null)}>
      {data.map((t) => t.name).join("|")}
    </div>
  ),
}));

const catalog: CatalogIndicator[] = [
  { id: "DGS10", title: "10-Year Treasury", units: "Percent", unitsShort: "%", frequency: "Daily", firstDate: "1962-01-02", lastDate: "2024-04-01" },
  { id: "UNRATE", title: "Unemployment Rate", units: "Percent", unitsShort: "%", frequency: "Monthly", firstDate: "1948-01-01", lastDate: "2024-03-01" },
];

const LEVEL = { transform: "LEVEL", frequency: null, aggregation: "AVG", maxPoints: MAX_POINTS } as const;

function viewMock(result: MockLink.MockedResponse["result"], variables: Record<string, unknown> = {}) {
  return {
    request: { query: HistoryViewQuery, variables: { id: "DGS10", start: "2024-01-01", end: null, ...LEVEL, ...variables } },
    result,
  };
}

const selectionMock = (result: MockLink.MockedResponse["result"] = { data: selectionResult() }) => ({
  request: { query: ModelSelectionQuery, variables: { id: "DGS10" } },
  result,
});

/** The view as the shell mounts it: its state read from the URL, updates written back. */
function Routed() {
  const { state, update } = useViewState();
  return <HistoryView state={state} update={update} catalog={catalog} />;
}

/** Renders at `search` with the given mocks plus, unless one is given, the model selection's answer. */
function renderView(mocks: MockLink.MockedResponse[], search = "?view=history&ids=DGS10&start=2024-01-01") {
  window.history.replaceState(null, "", `/${search}`);
  const hasSelection = mocks.some((m) => m.request.query === ModelSelectionQuery);
  return render(
    <MockedProvider mocks={hasSelection ? mocks : [...mocks, selectionMock()]} cache={createCache()}>
      <Routed />
    </MockedProvider>,
  );
}

const parseState = (search: string) => parseViewState(search).state;

beforeEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("HistoryView", () => {
  it("shows a loading state, then the chart with history, bands and forecast", async () => {
    renderView([viewMock({ data: indicatorResult() })]);

    expect(screen.getByRole("status")).toHaveTextContent("Loading DGS10");

    const plot = await screen.findByTestId("plot");
    expect(screen.getByTestId("chart")).toContainElement(plot);
    expect(plot).toHaveTextContent("DGS10|95% interval|80% interval|Forecast (mean)");
    expect(plot).toHaveAttribute("data-y-title", JSON.stringify({ text: "Percent" }));
    expect(screen.getByRole("heading", { level: 2, name: /10-Year Constant Maturity/ })).toBeInTheDocument();
    expect(screen.getByText(/Forecast:/)).toHaveTextContent("ETS(A,Ad,N)");
  });

  it("explains the chosen model next to the chart", async () => {
    renderView([viewMock({ data: indicatorResult() })]);
    const selection = await screen.findByRole("region", { name: "Model selection" });
    expect(await within(selection).findByText(/Chosen:/)).toHaveTextContent("Chosen: ETS(A,Ad,N)");
    const chosen = within(selection).getAllByRole("row").filter((row) => row.classList.contains("chosen"));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]).toHaveTextContent("ETS(A,Ad,N)");
    expect(within(selection).getByText(/Backtest cutoffs/)).toHaveTextContent("2024-03-29");
    // The chart and the selection share the run's forecast in the cache: the footnote keeps it.
    expect(screen.getByText(/Forecast:/)).toHaveTextContent("ETS(A,Ad,N), 2 steps");
  });

  it("charts a transform with its label, without the forecast (which is in level units)", async () => {
    renderView([viewMock({ data: indicatorResult() }, { transform: "PC1" })], "?view=history&ids=DGS10&start=2024-01-01&transform=pc1");
    const plot = await screen.findByTestId("plot");
    expect(plot).toHaveTextContent(/^DGS10$/);
    expect(plot).toHaveAttribute("data-y-title", JSON.stringify({ text: "Percent change from a year ago" }));
    expect(screen.getByText(/forecast is shown on the series as published/)).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Model selection" })).not.toBeInTheDocument();
  });

  it("writes a units and frequency choice to the URL and queries it", async () => {
    const user = userEvent.setup();
    renderView([
      viewMock({ data: indicatorResult() }),
      viewMock({ data: indicatorResult() }, { frequency: "MONTHLY" }),
      viewMock({ data: indicatorResult() }, { frequency: "MONTHLY", aggregation: "EOP" }),
    ]);
    await screen.findByTestId("plot");
    await user.selectOptions(screen.getByLabelText("Frequency"), "m");
    expect(window.location.search).toBe("?view=history&ids=DGS10&start=2024-01-01&frequency=m");
    await user.selectOptions(await screen.findByLabelText("Aggregation"), "eop");
    expect(window.location.search).toContain("aggregation=eop");
    expect(await screen.findByTestId("plot")).toBeInTheDocument();
  });

  it("lists the trailing-window statistics", async () => {
    renderView([viewMock({ data: indicatorResult() })]);
    const table = await screen.findByRole("region", { name: /Trailing windows/ });
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Full history");
    expect(rows[2]).toHaveTextContent("1 year2023-04-022024-04-01");
    expect(rows[2]).toHaveTextContent("−0.25");
  });

  it("fills both date fields under a preset: Max reads the first and the last observation", async () => {
    renderView([viewMock({ data: indicatorResult() }, { start: null })], "?view=history&ids=DGS10&window=max");
    await screen.findByTestId("plot");
    expect(screen.getByLabelText("Start date")).toHaveValue("1962-01-02");
    expect(screen.getByLabelText("End date")).toHaveValue("2024-04-01");
  });

  it("says plainly that an id is unknown instead of showing another series", async () => {
    renderView([], "?view=history&ids=NOPE");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Unknown indicator: NOPE");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Indicator")).toHaveValue("NOPE");
  });

  it("asks the API for a print-quality image of exactly what is shown", () => {
    const state = { ...parseState("?view=history&ids=DGS10&transform=pc1&frequency=q&aggregation=eop") };
    expect(chartImageUrl("DGS10", state, { start: "2020-01-01", end: null }, false)).toBe(
      "/api/v1/charts/DGS10.png?transform=pc1&width=1600&height=900&dpi=200&start=2020-01-01&frequency=q&aggregation=eop",
    );
  });

  it("keeps the chart when only the model selection fails", async () => {
    renderView([
      viewMock({ data: indicatorResult() }),
      selectionMock({ data: null, errors: [{ message: "boom", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "r-9" } }] }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the model selection: Server error");
    expect(screen.getByTestId("plot")).toHaveTextContent("Forecast (mean)");
  });

  it("renders the window statistics", async () => {
    renderView([viewMock({ data: indicatorResult() })]);
    const stats = await screen.findByRole("region", { name: "Window statistics" });
    expect(stats).toHaveTextContent("Observations3");
    expect(stats).toHaveTextContent("Mean4.2");
    expect(stats).toHaveTextContent("Std dev0.1");
    expect(stats).toHaveTextContent("Min4.1");
    expect(stats).toHaveTextContent("Max4.3");
    expect(stats).toHaveTextContent("2024-01-01 → 2024-04-01");
  });

  it("leaves the forecast off a window that ends before the last observation", async () => {
    renderView([viewMock({ data: indicatorResult() }, { end: "2024-03-01" })], "?view=history&ids=DGS10&start=2024-01-01&end=2024-03-01");
    expect(await screen.findByTestId("plot")).toHaveTextContent(/^DGS10$/);
  });

  it("says so when the indicator has no forecast", async () => {
    renderView([viewMock({ data: indicatorResult({ forecast: null }) })]);
    expect(await screen.findByText("No forecast is available for this indicator.")).toBeInTheDocument();
  });

  it("shows an empty-window message instead of a blank chart", async () => {
    const empty = indicatorResult({
      observations: { dates: [], values: [] },
      stats: { count: 0, mean: null, stddev: null, min: null, max: null, start: null, end: null },
    });
    renderView([viewMock({ data: empty })]);
    expect(await screen.findByText(/No observations of DGS10 between 2024-01-01 and the latest/)).toBeInTheDocument();
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
  });

  it("shows a NOT_FOUND error from the API readably", async () => {
    renderView([
      viewMock({
        data: null,
        errors: [{ message: "Indicator 'DGS10' not found", extensions: { code: "NOT_FOUND" } }],
      }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load DGS10: Not found");
    expect(alert).toHaveTextContent("NOT_FOUND");
    expect(alert).toHaveTextContent("Indicator 'DGS10' not found");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
  });

  it("shows a network failure readably", async () => {
    renderView([{ ...viewMock(undefined), result: undefined, error: new TypeError("Failed to fetch") }]);
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the API");
  });
});

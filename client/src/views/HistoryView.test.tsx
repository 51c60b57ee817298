import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { render, screen, within } from "@testing-library/react";
import type { Data } from "plotly.js";
import { describe, expect, it, vi } from "vitest";
import { createCache } from "../apollo";
import type { DateWindow } from "../lib/window";
import { indicatorResult, selectionResult } from "../test/fixtures";
import { IndicatorView, IndicatorViewQuery } from "./IndicatorView";
import { ModelSelectionQuery } from "./ModelSelection";

// jsdom cannot render Plotly; the stub records which traces the chart was given.
vi.mock("./PlotlyChart", () => ({
  default: ({ traces, yTitle }: { traces: Data[]; yTitle: string }) => (
    <div data-testid="plot" data-y-title={yTitle}>
      {traces.map((t) => t.name).join("|")}
    </div>
  ),
}));

const openWindow: DateWindow = { start: "2024-01-01", end: null };

function viewMock(result: MockLink.MockedResponse["result"], variables = { id: "DGS10", ...openWindow }) {
  return { request: { query: IndicatorViewQuery, variables }, result };
}

const selectionMock = (result: MockLink.MockedResponse["result"] = { data: selectionResult() }) => ({
  request: { query: ModelSelectionQuery, variables: { id: "DGS10" } },
  result,
});

/** Renders with the given mocks plus, unless one is given, the model selection's answer. */
function renderView(mocks: MockLink.MockedResponse[], props: Partial<Parameters<typeof IndicatorView>[0]> = {}) {
  const hasSelection = mocks.some((m) => m.request.query === ModelSelectionQuery);
  return render(
    <MockedProvider mocks={hasSelection ? mocks : [...mocks, selectionMock()]} cache={createCache()}>
      <IndicatorView id="DGS10" window={openWindow} showForecast {...props} />
    </MockedProvider>,
  );
}

describe("IndicatorView", () => {
  it("shows a loading state, then the chart with history, bands and forecast", async () => {
    renderView([viewMock({ data: indicatorResult() })]);

    expect(screen.getByRole("status")).toHaveTextContent("Loading DGS10");

    const plot = await screen.findByTestId("plot");
    expect(screen.getByTestId("chart")).toContainElement(plot);
    expect(plot).toHaveTextContent("DGS10|95% interval|80% interval|Forecast (mean)");
    expect(plot).toHaveAttribute("data-y-title", "Percent");
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

  it("leaves the model selection out when the forecast is switched off or absent", async () => {
    renderView([viewMock({ data: indicatorResult() })], { showForecast: false });
    await screen.findByTestId("plot");
    expect(screen.queryByRole("region", { name: "Model selection" })).not.toBeInTheDocument();
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
    const window: DateWindow = { start: "2024-01-01", end: "2024-03-01" };
    renderView([viewMock({ data: indicatorResult() }, { id: "DGS10", ...window })], { window });
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
    expect(await screen.findByText("No observations in this window.")).toBeInTheDocument();
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
    renderView([{ request: { query: IndicatorViewQuery, variables: { id: "DGS10", ...openWindow } }, error: new TypeError("Failed to fetch") }]);
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the API");
  });
});

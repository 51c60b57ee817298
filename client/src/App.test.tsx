import { MockedProvider } from "@apollo/client/testing/react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Data } from "plotly.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "./apollo";
import { App, IndicatorListQuery } from "./App";
import { IndicatorViewQuery } from "./components/IndicatorView";
import { ModelSelectionQuery } from "./components/ModelSelection";
import { indicatorResult, selectionResult } from "./test/fixtures";

vi.mock("./components/PlotlyChart", () => ({
  default: ({ traces }: { traces: Data[] }) => <div data-testid="plot">{traces.map((t) => t.name).join("|")}</div>,
}));

const indicators = [
  { __typename: "Indicator", id: "DGS10", title: "10-Year Treasury", units: "Percent", frequency: "Daily", lastDate: "2024-04-01" },
  { __typename: "Indicator", id: "UNRATE", title: "Unemployment Rate", units: "Percent", frequency: "Monthly", lastDate: "2024-03-01" },
];

const listMock = { request: { query: IndicatorListQuery }, result: { data: { indicators } } };

function viewMock(id: string, start: string | null, title: string) {
  // Keep lastDate equal to the list's: both land on the same normalised Indicator.
  const lastDate = indicators.find((i) => i.id === id)?.lastDate ?? null;
  return {
    request: { query: IndicatorViewQuery, variables: { id, start, end: null } },
    result: { data: indicatorResult({ id, title, lastDate }) },
  };
}

/** The model selection below the chart (one request per indicator, not per window). */
function selectionMock(id: string) {
  return { request: { query: ModelSelectionQuery, variables: { id } }, result: { data: selectionResult({}, id) } };
}

describe("App", () => {
  beforeEach(() => {
    window.history.replaceState(null, "", "/");
  });

  it("loads the indicator list, charts the first one over 10 years and switches on selection", async () => {
    const user = userEvent.setup();
    render(
      <MockedProvider
        cache={createCache()}
        mocks={[
          listMock,
          viewMock("DGS10", "2014-04-01", "10-Year Treasury"),
          selectionMock("DGS10"),
          viewMock("UNRATE", "2014-03-01", "Unemployment Rate"),
          selectionMock("UNRATE"),
          viewMock("UNRATE", "2023-03-01", "Unemployment Rate"),
        ]}
      >
        <App />
      </MockedProvider>,
    );

    expect(screen.getByRole("status")).toHaveTextContent("Loading indicators");
    expect(await screen.findByRole("heading", { name: /10-Year Treasury/ })).toBeInTheDocument();
    expect(window.location.search).toBe("?indicator=DGS10");
    expect(screen.getByLabelText("Start date")).toHaveValue("2014-04-01");

    await user.selectOptions(screen.getByLabelText("Indicator"), "UNRATE");
    expect(await screen.findByRole("heading", { name: /Unemployment Rate/ })).toBeInTheDocument();
    expect(window.location.search).toBe("?indicator=UNRATE");

    const presets = screen.getByRole("group", { name: "Window" });
    await user.click(within(presets).getByRole("button", { name: "1Y" }));
    expect(within(presets).getByRole("button", { name: "1Y" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByLabelText("Start date")).toHaveValue("2023-03-01");
    expect(await screen.findByTestId("plot")).toBeInTheDocument();
  });

  it("explains an inverted custom window instead of querying", async () => {
    const user = userEvent.setup();
    render(
      <MockedProvider cache={createCache()} mocks={[listMock, viewMock("DGS10", "2014-04-01", "10-Year Treasury"), selectionMock("DGS10")]}>
        <App />
      </MockedProvider>,
    );
    await screen.findByRole("heading", { name: /10-Year Treasury/ });
    const end = screen.getByLabelText("End date");
    await user.type(end, "2000-01-01");
    expect(await screen.findByRole("alert")).toHaveTextContent("Start date must be on or before the end date.");
  });

  it("shows an error when the indicator list cannot be loaded", async () => {
    render(
      <MockedProvider
        cache={createCache()}
        mocks={[{ request: { query: IndicatorListQuery }, result: { errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "abc123" } }] } }]}
      >
        <App />
      </MockedProvider>,
    );
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the list of indicators: Server error");
    expect(alert).toHaveTextContent("abc123");
  });

  it("opens the indicator named in the URL", async () => {
    window.history.replaceState(null, "", "/?indicator=UNRATE");
    render(
      <MockedProvider cache={createCache()} mocks={[listMock, viewMock("UNRATE", "2014-03-01", "Unemployment Rate"), selectionMock("UNRATE")]}>
        <App />
      </MockedProvider>,
    );
    expect(await screen.findByRole("heading", { name: /Unemployment Rate/ })).toBeInTheDocument();
    expect(screen.getByLabelText("Indicator")).toHaveValue("UNRATE");
  });
});

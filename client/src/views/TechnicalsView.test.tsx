import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { Data, Layout } from "plotly.js";
import { describe, expect, it, vi } from "vitest";
import { createCache } from "../apollo";
import type { CatalogIndicator } from "../catalog";
import type { TechnicalsViewQuery as TechnicalsViewResult } from "../gql/graphql";
import { DEFAULT_STATE, type ViewState } from "../lib/viewState";
import TechnicalsView, { MAX_POINTS, TechnicalsViewQuery } from "./TechnicalsView";

// jsdom cannot render Plotly; the stub lists each trace as type:name:y axis, and the layout.
vi.mock("../components/PlotlyChart", () => ({
  default: ({ data, layout }: { data: Data[]; layout?: Partial<Layout> }) => (
    <div data-testid="plot" data-layout={JSON.stringify(layout ?? {})}>
      {data.map((t) => `${t.type}:${t.name}:${(t as { yaxis?: string }).yaxis ?? "y"}`).join("|")}
    </div>
  ),
}));

function entry(id: string, title: string, units: string, unitsShort: string, frequency: string): CatalogIndicator {
  // __typename as the cache stores it (the generated types leave it out).
  const indicator = { __typename: "Indicator", id, title, units, unitsShort, frequency, firstDate: "2000-01-03", lastDate: "2024-03-28" };
  return indicator as CatalogIndicator;
}

const catalog: CatalogIndicator[] = [
  entry("UNRATE", "Unemployment Rate", "Percent", "%", "Monthly"),
  entry("DGS10", "10-Year Treasury Yield", "Percent", "%", "Daily"),
  entry("DEXUSEU", "US Dollar to Euro", "U.S. Dollars to One Euro", "U.S. $ to 1 Euro", "Daily"),
];

const WINDOW = { start: "2024-01-01", end: "2024-03-31" };

type Indicator = TechnicalsViewResult["indicator"];

function result(overrides: Partial<Indicator> = {}, id = "DGS10"): { indicator: Indicator } {
  const known = catalog.find((i) => i.id === id);
  return {
    indicator: {
      __typename: "Indicator",
      id,
      title: known?.title ?? id,
      units: known?.units ?? "Percent",
      unitsShort: known?.unitsShort ?? "%",
      frequency: "Daily",
      lastDate: "2024-03-28",
      candles: {
        __typename: "Candles",
        dates: ["2024-01-01", "2024-02-01", "2024-03-01"],
        open: [3.88, 3.99, 4.25],
        high: [4.18, 4.33, 4.34],
        low: [3.88, 3.99, 4.1],
        close: [3.99, 4.25, 4.2],
      },
      technicals: {
        __typename: "Technicals",
        dates: ["2024-03-26", "2024-03-27", "2024-03-28"],
        sma20: [4.25, 4.24, 4.23],
        sma50: [4.18, 4.18, 4.19],
        sma200: [null, null, null],
        volatility21: [0.161, 0.158, 0.1534],
        volatility63: [null, null, null],
        bollingerUpper: [4.4, 4.39, 4.38],
        bollingerMiddle: [4.25, 4.24, 4.23],
        bollingerLower: [4.1, 4.09, 4.08],
      },
      ...overrides,
    } as Indicator,
  };
}

function mock(
  answer: Pick<MockLink.MockedResponse, "result" | "error">,
  variables: Partial<{ id: string; start: string | null; end: string | null; frequency: string }> = {},
): MockLink.MockedResponse {
  return {
    request: {
      query: TechnicalsViewQuery,
      variables: { id: "DGS10", ...WINDOW, frequency: "MONTHLY", maxPoints: MAX_POINTS, ...variables },
    },
    ...answer,
  };
}

function renderView(mocks: MockLink.MockedResponse[], state: Partial<ViewState> = {}) {
  const update = vi.fn();
  const cache = createCache();
  const view = (patch: Partial<ViewState>) => (
    <MockedProvider mocks={mocks} cache={cache}>
      <TechnicalsView
        state={{ ...DEFAULT_STATE, view: "technicals", ids: ["DGS10"], ...WINDOW, ...patch }}
        update={update}
        catalog={catalog}
      />
    </MockedProvider>
  );
  const { rerender } = render(view(state));
  return { update, rerender: (patch: Partial<ViewState>) => rerender(view(patch)) };
}

describe("TechnicalsView", () => {
  it("draws candles, moving averages and Bollinger bands over the volatility pane, on one x axis", async () => {
    renderView([mock({ result: { data: result() } })]);
    expect(screen.getByRole("status")).toHaveTextContent("Loading DGS10");

    const plot = await screen.findByTestId("plot");
    const traces = plot.textContent?.split("|") ?? [];
    expect(traces).toContain("candlestick:DGS10 (monthly):y");
    const overlays = ["SMA 20", "SMA 50", "SMA 200", "Bollinger band (20, 2)", "Bollinger upper", "Bollinger lower"];
    for (const name of overlays) {
      expect(traces).toContain(`scatter:${name}:y`);
    }
    expect(traces).toContain("scatter:Volatility 21:y2");
    expect(traces).toContain("scatter:Volatility 63:y2");

    const layout = JSON.parse(plot.getAttribute("data-layout") ?? "{}") as Partial<Layout>;
    expect(layout.xaxis).toMatchObject({ type: "date", anchor: "y2", rangeslider: { visible: false } });
    expect(layout.xaxis2).toBeUndefined();
    expect(layout.yaxis?.domain?.[0]).toBeGreaterThan(layout.yaxis2?.domain?.[1] ?? 1);
    expect(layout.yaxis2).toMatchObject({ title: { text: "Volatility (annualised)" }, tickformat: ".0%" });

    expect(screen.getByRole("heading", { level: 2, name: /10-Year Treasury Yield/ })).toBeInTheDocument();
    expect(screen.getByText(/middle line is SMA 20, drawn once/)).toBeInTheDocument();
    expect(screen.getByRole("figure")).toHaveAccessibleName(/Monthly candles of 10-Year Treasury Yield \(DGS10\)/);
  });

  it("gives the chart's numbers as tables, with CSV and PNG export", async () => {
    renderView([mock({ result: { data: result() } })]);
    const candles = await screen.findByRole("region", { name: /Latest monthly candles/ });
    const rows = within(candles).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("2024-034.254.344.14.2");
    expect(rows).toHaveLength(4);

    const latest = screen.getByRole("region", { name: "Technicals on 2024-03-28" });
    expect(within(latest).getByRole("row", { name: /^SMA 20 / })).toHaveTextContent("4.23");
    expect(within(latest).getByRole("row", { name: /^SMA 200 / })).toHaveTextContent("—");
    expect(within(latest).getByRole("row", { name: /Volatility 21/ })).toHaveTextContent("15.3%");
    expect(within(latest).getByRole("button", { name: "Data (CSV)" })).toBeInTheDocument();

    expect(screen.getAllByRole("button", { name: "Data (CSV)" })).toHaveLength(2);
    expect(screen.getByRole("button", { name: "Image (PNG)" })).toBeInTheDocument();
  });

  it("asks for weekly candles when frequency=w", async () => {
    renderView([mock({ result: { data: result() } }, { frequency: "WEEKLY" })], { frequency: "w" });
    expect(await screen.findByTestId("plot")).toHaveTextContent("candlestick:DGS10 (weekly):y");
    expect(screen.getByRole("combobox", { name: "Candles" })).toHaveValue("w");
    expect(screen.getByRole("region", { name: /Latest weekly candles/ })).toBeInTheDocument();
  });

  it("keeps the monthly chart on screen, dimmed, while weekly candles load", async () => {
    const { rerender } = renderView([
      mock({ result: { data: result() } }),
      { ...mock({ result: { data: result() } }, { frequency: "WEEKLY" }), delay: 50 },
    ]);
    expect(await screen.findByTestId("plot")).toHaveTextContent("DGS10 (monthly)");

    rerender({ frequency: "w" });
    expect(screen.getByTestId("plot")).toHaveTextContent("DGS10 (monthly)");
    expect(screen.getByText(/updating…/)).toBeInTheDocument();
    expect(screen.getByTestId("chart").closest(".chart-card")).toHaveClass("updating");

    expect(await screen.findByText("candlestick:DGS10 (weekly):y", { exact: false })).toBeInTheDocument();
    expect(screen.queryByText(/updating…/)).not.toBeInTheDocument();
  });

  it("shows monthly candles for a quarterly frequency in the URL, and says why", async () => {
    renderView([mock({ result: { data: result() } })], { frequency: "q" });
    expect(screen.getByRole("note")).toHaveTextContent("Candles are weekly or monthly, not quarterly");
    expect(await screen.findByTestId("plot")).toHaveTextContent("DGS10 (monthly)");
    expect(screen.getByRole("combobox", { name: "Candles" })).toHaveValue("m");
  });

  it("writes the candle period and the indicator to the URL when they are changed", async () => {
    const { update } = renderView([mock({ result: { data: result() } })]);
    await screen.findByTestId("plot");
    fireEvent.change(screen.getByRole("combobox", { name: "Candles" }), { target: { value: "w" } });
    expect(update).toHaveBeenCalledWith({ frequency: "w" });
    fireEvent.change(screen.getByRole("combobox", { name: "Indicator" }), { target: { value: "DEXUSEU" } });
    expect(update).toHaveBeenCalledWith({ ids: ["DEXUSEU"] });
  });

  it("offers daily series only and opens on the first one without writing the URL", async () => {
    const { update } = renderView([mock({ result: { data: result() } })], { ids: [] });
    const picker = screen.getByRole("combobox", { name: "Indicator" });
    expect(picker).toHaveValue("DGS10");
    expect(within(picker).queryByRole("option", { name: /UNRATE/ })).not.toBeInTheDocument();
    expect(await screen.findByTestId("plot")).toHaveTextContent("DGS10");
    expect(update).not.toHaveBeenCalled();
  });

  it("explains that a non-daily indicator has no technicals, and keeps the picker usable", () => {
    const { update } = renderView([], { ids: ["UNRATE"] });
    expect(screen.getByRole("alert")).toHaveTextContent("Technicals need a daily series; UNRATE is Monthly");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
    const picker = screen.getByRole("combobox", { name: "Indicator" });
    expect(picker).toBeEnabled();
    fireEvent.change(picker, { target: { value: "DGS10" } });
    expect(update).toHaveBeenCalledWith({ ids: ["DGS10"] });
  });

  it("names an unknown id", () => {
    renderView([], { ids: ["NOPE"] });
    expect(screen.getByRole("alert")).toHaveTextContent("Unknown indicator: NOPE");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
  });

  it("says so when the window holds no observation", async () => {
    const empty = result({
      candles: { __typename: "Candles", dates: [], open: [], high: [], low: [], close: [] } as Indicator["candles"],
      technicals: {
        __typename: "Technicals",
        dates: [],
        sma20: [],
        sma50: [],
        sma200: [],
        volatility21: [],
        volatility63: [],
        bollingerUpper: [],
        bollingerMiddle: [],
        bollingerLower: [],
      } as Indicator["technicals"],
    });
    renderView([mock({ result: { data: empty } })]);
    expect(
      await screen.findByText("No observations of DGS10 between 2024-01-01 and 2024-03-31. Widen the window."),
    ).toBeInTheDocument();
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
    expect(screen.queryByRole("region", { name: /candles/ })).not.toBeInTheDocument();
  });

  it("rejects a window that ends before it starts without asking the API", () => {
    renderView([], { start: "2024-03-01", end: "2024-01-01" });
    expect(screen.getByRole("alert")).toHaveTextContent("Start date must be on or before the end date.");
  });

  it("shows an API error readably", async () => {
    renderView([
      mock({
        result: {
          data: null,
          errors: [{ message: "DGS10 is not a daily series", extensions: { code: "BAD_USER_INPUT" } }],
        },
      }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the technicals of DGS10: Invalid request");
    expect(alert).toHaveTextContent("DGS10 is not a daily series");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
  });

  it("shows a network failure readably", async () => {
    renderView([mock({ error: new TypeError("Failed to fetch") })]);
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the API");
  });
});

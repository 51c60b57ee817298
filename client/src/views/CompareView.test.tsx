import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Data, Layout } from "plotly.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "../apollo";
import type { CatalogIndicator } from "../catalog";
import type { CompareViewQuery as CompareViewResult } from "../gql/graphql";
import { useViewState } from "../lib/useViewState";
import CompareView, { CompareViewQuery } from "./CompareView";

// jsdom cannot render Plotly; the stub records the traces (type:name:axis) and the layout.
vi.mock("../components/PlotlyChart", () => ({
  default: ({ data, layout }: { data: Data[]; layout?: Partial<Layout> }) => (
    <div data-testid="plot" data-layout={JSON.stringify(layout ?? {})}>
      {data.map((t) => `${t.type}:${t.name}:${(t as { yaxis?: string }).yaxis ?? "y"}`).join("|")}
    </div>
  ),
}));

type Indicator = CompareViewResult["indicators"][number];
type Trend = CompareViewResult["trends"][number];

function entry(id: string, title: string, units: string, unitsShort: string, frequency: string, lastDate: string) {
  return { __typename: "Indicator" as const, id, title, units, unitsShort, frequency, firstDate: "2000-01-03", lastDate };
}

const CATALOG: CatalogIndicator[] = [
  entry("DGS10", "10-Year Treasury Constant Maturity", "Percent", "%", "Daily", "2024-04-01"),
  entry("SP500", "S&P 500", "Index", "Index", "Daily", "2025-01-02"),
  entry("MORTGAGE30US", "30-Year Fixed Rate Mortgage Average", "Percent", "%", "Weekly", "2024-03-28"),
];

const DATES = ["2024-01-01", "2024-02-01", "2024-03-01"];

/** A result row with the __typename the cache expects (the generated types leave it out). */
function indicator(id: string, values: (number | null)[] = [100, 101.5, 103], dates = DATES): Indicator {
  const entry = CATALOG.find((i) => i.id === id) as CatalogIndicator;
  const row = {
    __typename: "Indicator",
    id,
    title: entry.title,
    units: entry.units,
    unitsShort: entry.unitsShort,
    frequency: entry.frequency,
    lastDate: entry.lastDate,
    observations: { __typename: "Series", dates: dates.slice(0, values.length), values },
  };
  return row as Indicator;
}

function trend(id: string, fields: Partial<Trend> = {}): Trend {
  const row = {
    __typename: "Trend",
    id,
    latestDate: "2024-04-01",
    latestValue: 4.3,
    change1d: 0.05,
    change1m: -0.2,
    change1y: 0.5,
    pctChange1y: 13.2,
    zscore1y: 1.234,
    ...fields,
  };
  return row as Trend;
}

interface Vars {
  ids: string[];
  start?: string | null;
  end?: string | null;
  transform?: string;
  frequency?: string | null;
  aggregation?: string;
}

function mock(vars: Vars, result: MockLink.MockedResponse["result"]): MockLink.MockedResponse {
  const variables = {
    start: "2024-01-01",
    end: "2024-12-31",
    transform: "INDEX100",
    frequency: null,
    aggregation: "AVG",
    ...vars,
  };
  return { request: { query: CompareViewQuery, variables }, result };
}

function answer(ids: string[], values?: (number | null)[]) {
  return { data: { indicators: ids.map((id) => indicator(id, values)), trends: ids.map((id) => trend(id)) } };
}

/** The view wired to the real URL state, as the shell wires it. */
function Harness() {
  const { state, update } = useViewState();
  return <CompareView state={state} update={update} catalog={CATALOG} />;
}

function renderAt(search: string, mocks: MockLink.MockedResponse[]) {
  window.history.replaceState(null, "", `/${search}`);
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <Harness />
    </MockedProvider>,
  );
}

const WINDOW = "start=2024-01-01&end=2024-12-31";

function layoutOf(plot: HTMLElement): Partial<Layout> {
  return JSON.parse(plot.getAttribute("data-layout") ?? "{}") as Partial<Layout>;
}

beforeEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("CompareView", () => {
  it("shows a loading state, then one line per indicator on a shared axis", async () => {
    const ids = ["DGS10", "SP500", "MORTGAGE30US"];
    renderAt(`?view=compare&ids=${ids.join(",")}&${WINDOW}&transform=index100`, [mock({ ids }, answer(ids))]);

    expect(screen.getByRole("status")).toHaveTextContent("Loading DGS10, SP500, MORTGAGE30US…");
    const plot = await screen.findByTestId("plot");
    expect(plot).toHaveTextContent("scatter:DGS10:y|scatter:SP500:y|scatter:MORTGAGE30US:y");
    expect(layoutOf(plot).yaxis?.title).toEqual({ text: "Index (2015 = 100)" });
    expect(layoutOf(plot).yaxis2).toBeUndefined();
    expect(screen.getByRole("heading", { level: 2, name: "3 indicators compared" })).toBeInTheDocument();
    expect(screen.getByRole("figure")).toHaveAccessibleName(
      /DGS10, SP500, MORTGAGE30US on one axis, Index \(2015 = 100\)/,
    );
    // Three indicators: one shared axis is all the axes control offers.
    const axes = screen.getByRole("combobox", { name: "Axes" });
    expect(within(axes).getAllByRole("option").map((o) => o.textContent)).toEqual(["One shared axis"]);
  });

  it("puts the second of two indicators on a right-hand axis titled with its units", async () => {
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=lin&axis=dual`, [
      mock({ ids, transform: "LEVEL" }, answer(ids)),
    ]);
    const plot = await screen.findByTestId("plot");
    expect(plot).toHaveTextContent("scatter:DGS10:y|scatter:SP500:y2");
    const layout = layoutOf(plot);
    expect(layout.yaxis?.title).toMatchObject({ text: "DGS10: Percent" });
    expect(layout.yaxis2).toMatchObject({ title: { text: "SP500: Index" }, overlaying: "y", side: "right" });
    expect(screen.getByRole("combobox", { name: "Axes" })).toHaveValue("dual");
    // On their own axes, different units need no warning.
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
  });

  it("warns about levels in different units on one axis, and offers a second axis", async () => {
    const user = userEvent.setup();
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=lin`, [
      mock({ ids, transform: "LEVEL" }, answer(ids)),
    ]);
    const notice = await screen.findByRole("note");
    expect(notice).toHaveTextContent("These indicators are in different units (Percent; Index).");
    expect(notice).toHaveTextContent("as an index (2015 = 100), as z-scores, or each on its own axis");
    expect(layoutOf(screen.getByTestId("plot")).yaxis?.title).toEqual({ text: "Level (mixed units)" });

    await user.click(within(notice).getByRole("button", { name: "Two axes" }));
    expect(new URLSearchParams(window.location.search).get("axis")).toBe("dual");
    expect(await screen.findByTestId("plot")).toHaveTextContent("scatter:DGS10:y|scatter:SP500:y2");
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
  });

  it("gives no units warning for levels in the same units", async () => {
    const ids = ["DGS10", "MORTGAGE30US"];
    renderAt(`?view=compare&ids=DGS10,MORTGAGE30US&${WINDOW}&transform=lin`, [
      mock({ ids, transform: "LEVEL" }, answer(ids)),
    ]);
    const plot = await screen.findByTestId("plot");
    expect(layoutOf(plot).yaxis?.title).toEqual({ text: "Percent" });
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
  });

  it("names an unknown id and charts the known ones", async () => {
    renderAt(`?view=compare&ids=DGS10,NOPE&${WINDOW}&transform=index100`, [
      mock({ ids: ["DGS10"] }, answer(["DGS10"])),
    ]);
    expect(screen.getByRole("alert")).toHaveTextContent("Unknown indicator: NOPE");
    expect(await screen.findByTestId("plot")).toHaveTextContent(/^scatter:DGS10:y$/);
    expect(screen.getByRole("heading", { level: 2, name: "10-Year Treasury Constant Maturity" })).toBeInTheDocument();
  });

  it("says plainly when the window holds no observations, instead of an empty chart", async () => {
    const ids = ["DGS10", "SP500"];
    const empty = { data: { indicators: ids.map((id) => indicator(id, [])), trends: ids.map((id) => trend(id)) } };
    renderAt(`?view=compare&ids=DGS10,SP500&start=2030-01-01&end=2030-12-31&transform=index100`, [
      mock({ ids, start: "2030-01-01", end: "2030-12-31" }, empty),
    ]);
    expect(
      await screen.findByText("No observations of DGS10, SP500 between 2030-01-01 and 2030-12-31. Widen the window."),
    ).toBeInTheDocument();
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
    // The latest values still answer, from the trends.
    expect(screen.getByRole("region", { name: "Latest values" })).toHaveTextContent("DGS10");
  });

  it("notes an indicator with nothing to draw next to those that have", async () => {
    const ids = ["DGS10", "SP500"];
    const result = { data: { indicators: [indicator("DGS10"), indicator("SP500", [null, null])], trends: [] } };
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=index100`, [mock({ ids }, result)]);
    await screen.findByTestId("plot");
    expect(
      screen.getByText(/No observations of SP500 between 2024-01-01 and 2024-12-31 on this scale/),
    ).toBeInTheDocument();
  });

  it("tabulates latest values and changes from the trends, in each indicator's units", async () => {
    const ids = ["DGS10", "SP500"];
    const result = {
      data: {
        indicators: ids.map((id) => indicator(id)),
        // The API's order need not be the chart's: rows follow the chart.
        trends: [
          trend("SP500", {
            latestDate: "2025-01-02",
            latestValue: 5881.63,
            change1d: -12.5,
            change1m: null,
            pctChange1y: 23.3,
          }),
          trend("DGS10"),
        ],
      },
    };
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=index100`, [mock({ ids }, result)]);
    const table = await screen.findByRole("region", { name: "Latest values" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-series"))).toEqual(["DGS10", "SP500"]);
    const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((c) => c.textContent);
    const [dgs10, sp500] = rows as [HTMLElement, HTMLElement];
    expect(within(dgs10).getByRole("rowheader")).toHaveTextContent("DGS1010-Year Treasury Constant Maturity");
    expect(cells(dgs10)).toEqual(["2024-04-01", "4.3", "%", "+0.05", "−0.2", "+0.5", "+13.2%", "+1.234"]);
    expect(cells(sp500)).toEqual(["2025-01-02", "5,881.6", "Index", "−12.5", "—", "+0.5", "+23.3%", "+1.234"]);
    expect(within(dgs10).getAllByRole("cell")[3]).toHaveClass("up");
    expect(within(sp500).getAllByRole("cell")[3]).toHaveClass("down");

    // The chart's own numbers: first and last value on the plotted scale.
    const window = screen.getByRole("region", { name: "In this window (Index (2015 = 100))" });
    expect(within(window).getAllByRole("row")[1]).toHaveTextContent("DGS102024-01-011002024-03-01103+3100103");
  });

  it("writes the scale to the URL and queries it", async () => {
    const user = userEvent.setup();
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=index100`, [
      mock({ ids }, answer(ids)),
      mock({ ids, transform: "ZSCORE" }, answer(ids, [-1, 0.2, 0.8])),
    ]);
    await screen.findByTestId("plot");
    const scale = screen.getByRole("combobox", { name: "Scale" });
    expect(within(scale).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual([
      "index100",
      "zscore",
      "pc1",
      "minmax",
      "lin",
    ]);

    await user.selectOptions(scale, "zscore");
    expect(new URLSearchParams(window.location.search).get("transform")).toBe("zscore");
    await screen.findByText("In this window (Z-score)");
    expect(layoutOf(screen.getByTestId("plot")).yaxis?.title).toEqual({ text: "Z-score" });
  });

  it("lists a transform from the URL outside the usual scales, so the select tells the truth", async () => {
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=log`, [mock({ ids, transform: "LOG" }, answer(ids))]);
    await screen.findByTestId("plot");
    const scale = screen.getByRole("combobox", { name: "Scale" });
    expect(scale).toHaveValue("log");
    expect(within(scale).getByRole("option", { name: "Natural log" })).toBeInTheDocument();
  });

  it("defaults to the catalog's first two, counting the window back from their latest observation", async () => {
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&transform=index100`, [mock({ ids, start: "2015-01-02", end: null }, answer(ids))]);
    expect(await screen.findByTestId("plot")).toHaveTextContent("scatter:DGS10:y|scatter:SP500:y");
    expect(screen.getByLabelText("Start date")).toHaveValue("2015-01-02");
    // The defaults stay out of the URL until the user edits the selection.
    expect(new URLSearchParams(window.location.search).get("ids")).toBeNull();
  });

  it("drops dual axes from the URL when a third indicator is added", async () => {
    const user = userEvent.setup();
    const ids = ["DGS10", "SP500"];
    const three = [...ids, "MORTGAGE30US"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&axis=dual`, [
      mock({ ids, transform: "LEVEL" }, answer(ids)),
      mock({ ids: three, transform: "LEVEL" }, answer(three)),
    ]);
    await screen.findByTestId("plot");
    await user.selectOptions(screen.getByRole("combobox", { name: "Add an indicator to indicators" }), "MORTGAGE30US");
    const params = new URLSearchParams(window.location.search);
    expect(params.get("ids")).toBe("DGS10,SP500,MORTGAGE30US");
    expect(params.get("axis")).toBeNull();
    expect(await screen.findByText("scatter:DGS10:y|scatter:SP500:y|scatter:MORTGAGE30US:y")).toBeInTheDocument();
  });

  it("shows a failed request readably", async () => {
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=index100`, [
      mock({ ids }, {
        data: null,
        errors: [{ message: "Indicator 'SP500' not found", extensions: { code: "NOT_FOUND" } }],
      }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load DGS10, SP500: Not found");
    expect(alert).toHaveTextContent("Indicator 'SP500' not found");
    expect(screen.queryByTestId("chart")).not.toBeInTheDocument();
  });

  it("offers the plotted values as CSV and the chart as PNG", async () => {
    const ids = ["DGS10", "SP500"];
    renderAt(`?view=compare&ids=DGS10,SP500&${WINDOW}&transform=index100`, [mock({ ids }, answer(ids))]);
    await screen.findByTestId("plot");
    expect(screen.getByRole("button", { name: "Data (CSV)" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Image (PNG)" })).toBeInTheDocument();
  });
});

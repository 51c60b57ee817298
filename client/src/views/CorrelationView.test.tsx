import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { Data } from "plotly.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "../apollo";
import type { CatalogIndicator } from "../catalog";
import { useViewState } from "../lib/useViewState";
import CorrelationView, { CorrelationMatrixQuery, CorrelationPairQuery } from "./CorrelationView";

/** The point the stub's click reports: a heatmap point's y and x are its row and column labels. */
const click = vi.hoisted(() => ({ point: {} as Record<string, unknown> }));
const ROW_UNRATE_COLUMN_CPI = { x: "CPIAUCSL", y: "UNRATE", pointIndex: [0, 2] };

// jsdom cannot render Plotly; the stub lists the traces it was given and clicks `click.point`.
vi.mock("../components/PlotlyChart", () => ({
  default: ({ data, onClick }: { data: Data[]; onClick?: (e: unknown) => void }) => (
    <div data-testid="plot" onClick={() => onClick?.({ points: [click.point] })}>
      {data.map((t) => `${t.type}:${t.name}`).join("|")}
    </div>
  ),
}));

function indicator(id: string, frequency: string, lastDate = "2024-04-01"): CatalogIndicator {
  return { id, title: `${id} title`, units: "Percent", unitsShort: "%", frequency, firstDate: "2000-01-03", lastDate };
}

const CATALOG: CatalogIndicator[] = [
  indicator("CPIAUCSL", "Monthly"),
  indicator("DGS10", "Daily"),
  indicator("GDP", "Quarterly"),
  indicator("UNRATE", "Monthly"),
];

const WINDOW = { start: "2023-01-01", end: "2023-12-31" };
const IDS = ["UNRATE", "DGS10", "CPIAUCSL"];
const MONTHS = Array.from({ length: 12 }, (_, k) => `2023-${String(k + 1).padStart(2, "0")}-01`);
const X = [4.02, 4.21, 4.19, 4.54, 4.48, 4.31, 4.25, 3.87, 3.72, 4.1, 4.36, 4.39];
const Y = [3.7, 3.9, 3.9, 3.9, 4.0, 4.0, 4.1, 4.2, 4.1, 4.1, 4.2, 4.1];
/** The API's r of X and Y (Python's statistics.correlation), as its matrix serves it. */
const R = -0.12388452333031258;

function matrixResult(
  ids = IDS,
  overrides: { matrix?: (number | null)[][]; counts?: number[][]; start?: string | null; end?: string | null } = {},
) {
  const grid = <T,>(f: (i: number, j: number) => T) => ids.map((_, i) => ids.map((__, j) => f(i, j)));
  return {
    correlation: {
      __typename: "Correlation",
      ids,
      basis: "MONTHLY",
      // r = R for the first two ids (the pair shown by default), 0.5 for the others.
      matrix: overrides.matrix ?? grid((i, j) => (i === j ? 1 : i + j === 1 ? R : 0.5)),
      counts: overrides.counts ?? grid(() => 12),
      pairStarts: grid(() => "2023-01-01"),
      pairEnds: grid(() => "2023-12-01"),
      start: overrides.start === undefined ? WINDOW.start : overrides.start,
      end: overrides.end === undefined ? WINDOW.end : overrides.end,
    },
  };
}

function matrixMock(
  result: MockLink.MockedResponse["result"],
  variables: Record<string, unknown> = { ids: IDS, ...WINDOW, basis: "MONTHLY" },
): MockLink.MockedResponse {
  return { request: { query: CorrelationMatrixQuery, variables }, result, maxUsageCount: 5 };
}

function series(id: string, values: (number | null)[], dates = MONTHS) {
  return {
    __typename: "Indicator",
    id,
    title: `${id} title`,
    units: "Percent",
    unitsShort: "%",
    frequency: "Monthly",
    observations: { __typename: "Series", dates, values },
  };
}

function pairMock(
  ids: [string, string],
  values: [(number | null)[], (number | null)[]] = [X, Y],
  variables: Record<string, unknown> = { ids, ...WINDOW, frequency: "MONTHLY" },
): MockLink.MockedResponse {
  return {
    request: { query: CorrelationPairQuery, variables },
    result: { data: { indicators: [series(ids[0], values[0]), series(ids[1], values[1])] } },
    maxUsageCount: 5,
  };
}

/** The view under the shell's URL state, as App mounts it. */
function Harness() {
  const { state, update } = useViewState();
  return <CorrelationView state={state} update={update} catalog={CATALOG} />;
}

function renderAt(search: string, mocks: MockLink.MockedResponse[]) {
  window.history.replaceState(null, "", `/${search}`);
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <Harness />
    </MockedProvider>,
  );
}

const SEARCH = `?view=correlation&ids=${IDS.join(",")}&start=${WINDOW.start}&end=${WINDOW.end}`;

function standardMocks(): MockLink.MockedResponse[] {
  const { correlation } = matrixResult();
  return [
    matrixMock({ data: { correlation } }),
    pairMock(["UNRATE", "DGS10"]),
    pairMock(["UNRATE", "CPIAUCSL"]),
    pairMock(["DGS10", "CPIAUCSL"]),
  ];
}

describe("CorrelationView", () => {
  beforeEach(() => {
    window.history.replaceState(null, "", "/");
    click.point = ROW_UNRATE_COLUMN_CPI;
  });
  afterEach(() => {
    window.history.replaceState(null, "", "/");
  });

  it("draws the heatmap of the matrix and the scatter of the first pair with the API's r", async () => {
    renderAt(SEARCH, standardMocks());
    expect(screen.getByRole("status")).toHaveTextContent("Loading the correlation of UNRATE, DGS10, CPIAUCSL");

    const heatmap = await screen.findByText("heatmap:Correlation matrix");
    expect(heatmap).toHaveAttribute("data-testid", "plot");
    const scatter = await screen.findByText("scatter:12 common months|scatter:Least-squares line (r = −0.12)");
    expect(scatter).toHaveAttribute("data-testid", "plot");

    const card = scatter.closest(".chart-card") as HTMLElement;
    expect(within(card).getByRole("heading", { level: 2 })).toHaveTextContent("UNRATE and DGS10");
    expect(card).toHaveTextContent("r = −0.12 · n = 12 common months · 2023-01 to 2023-12");
    // The points drawn give back the API's r: no note about a mismatch.
    expect(within(card).queryByText(/differ from the API/)).not.toBeInTheDocument();
    expect(within(card).getByText(/UNRATE = .* × DGS10|DGS10 = .* × UNRATE/)).toBeInTheDocument();

    const table = screen.getByRole("region", { name: "Correlation matrix (r)" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(IDS);
    expect(within(table).getAllByRole("button", { name: /r = −0.12, n = 12 common months/ })).toHaveLength(2);
  });

  it("opens a pair's scatter from a heatmap click", async () => {
    renderAt(SEARCH, standardMocks());
    fireEvent.click(await screen.findByText("heatmap:Correlation matrix"));
    const params = new URLSearchParams(window.location.search);
    expect(params.get("pair")).toBe("UNRATE,CPIAUCSL");
    expect(params.get("ids")).toBe(IDS.join(","));
    const heading = await screen.findByRole("heading", { level: 2, name: "UNRATE and CPIAUCSL" });
    expect(heading).toBeInTheDocument();
  });

  it("opens a pair's scatter from the table, by keyboard-reachable buttons", async () => {
    renderAt(SEARCH, standardMocks());
    const button = await screen.findByRole("button", { name: /^DGS10 and CPIAUCSL: r = 0.50/ });
    expect(button).toHaveAttribute("aria-pressed", "false");
    fireEvent.click(button);
    expect(new URLSearchParams(window.location.search).get("pair")).toBe("DGS10,CPIAUCSL");
    const pressed = await screen.findByRole("button", { name: /^DGS10 and CPIAUCSL: r = 0.50/ });
    expect(pressed).toHaveAttribute("aria-pressed", "true");
  });

  it("ignores a click on the diagonal, which the table leaves without a button", async () => {
    click.point = { x: "DGS10", y: "DGS10", pointIndex: [1, 1] };
    renderAt(SEARCH, standardMocks());
    fireEvent.click(await screen.findByText("heatmap:Correlation matrix"));
    expect(new URLSearchParams(window.location.search).get("pair")).toBeNull();
    const diagonal = screen.getAllByRole("cell").filter((c) => c.classList.contains("matrix-diagonal"));
    expect(diagonal.map((c) => c.textContent)).toEqual(["1.00", "1.00", "1.00"]);
    diagonal.forEach((cell) => expect(within(cell).queryByRole("button")).not.toBeInTheDocument());
    await screen.findByText(/^scatter:12 common months/);
  });

  it("names an unknown id", async () => {
    renderAt(SEARCH.replace("ids=", "ids=NOPE,"), standardMocks());
    const alert = screen.getAllByRole("alert").find((a) => a.textContent?.includes("Unknown indicator"));
    expect(alert).toHaveTextContent("Unknown indicator: NOPE");
    // The known ones are still correlated.
    expect(await screen.findByText("heatmap:Correlation matrix")).toBeInTheDocument();
  });

  it("says so when the pair has too few common months", async () => {
    const counts = IDS.map((_, i) => IDS.map((__, j) => (i === j ? 12 : 2)));
    const matrix = IDS.map((_, i) => IDS.map((__, j) => (i === j ? 1 : null)));
    const { correlation } = matrixResult(IDS, { matrix, counts });
    renderAt(SEARCH, [matrixMock({ data: { correlation } }), pairMock(["UNRATE", "DGS10"])]);
    expect(await screen.findByText(/Too few common months in this window/)).toHaveTextContent(
      "Too few common months in this window: UNRATE and DGS10 share 2 (r needs at least 3).",
    );
    expect(screen.getAllByTestId("plot")).toHaveLength(1);
    expect(screen.getAllByRole("button", { name: /too few common points \(2 common months/ })).toHaveLength(6);
  });

  it("explains a quarterly series on the monthly basis instead of asking for its monthly values", async () => {
    const ids = ["GDP", "UNRATE", "DGS10"];
    const matrix = [[null, null, null], [null, 1, R], [null, R, 1]];
    const counts = [[0, 0, 0], [0, 12, 12], [0, 12, 12]];
    const { correlation } = matrixResult(ids, { matrix, counts });
    const mocks = [
      matrixMock({ data: { correlation } }, { ids, ...WINDOW, basis: "MONTHLY" }),
      pairMock(["UNRATE", "DGS10"]),
    ];
    const search = `?view=correlation&ids=GDP,UNRATE,DGS10&start=${WINDOW.start}&end=${WINDOW.end}`;

    // Without a pair in the address, the scatter takes the first two that have monthly averages.
    const { unmount } = renderAt(search, mocks);
    expect(screen.getByRole("note")).toHaveTextContent("GDP (Quarterly) has no monthly averages");
    expect(await screen.findByText(/^scatter:12 common months/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "UNRATE and DGS10" })).toBeInTheDocument();
    unmount();

    // Asked for explicitly, GDP's pair is explained, not requested (the API refuses MONTHLY for it).
    renderAt(`${search}&pair=GDP,UNRATE`, mocks);
    expect(await screen.findByText(/GDP is observed quarterly: no monthly averages to pair/)).toBeInTheDocument();
    expect(await screen.findByText("heatmap:Correlation matrix")).toBeInTheDocument();
    expect(screen.getAllByTestId("plot")).toHaveLength(1);
  });

  it("writes the basis to the address and leaves default ids out of it", async () => {
    const defaults = ["CPIAUCSL", "DGS10", "UNRATE"];
    const preset = { start: "2014-04-01", end: null };
    const { correlation } = matrixResult(defaults, preset);
    renderAt("?view=correlation", [
      matrixMock({ data: { correlation } }, { ids: defaults, ...preset, basis: "MONTHLY" }),
      pairMock(["CPIAUCSL", "DGS10"], [X, Y], { ids: ["CPIAUCSL", "DGS10"], ...preset, frequency: "MONTHLY" }),
      matrixMock(
        { data: { correlation: { ...matrixResult(CATALOG.map((i) => i.id), preset).correlation, basis: "DAILY" } } },
        { ids: CATALOG.map((i) => i.id), ...preset, basis: "DAILY" },
      ),
      pairMock(["CPIAUCSL", "DGS10"], [X, Y], { ids: ["CPIAUCSL", "DGS10"], ...preset, frequency: null }),
    ]);
    await screen.findByText("heatmap:Correlation matrix");
    // GDP (quarterly) is left out of the monthly defaults.
    expect(screen.getAllByRole("listitem").map((li) => li.firstChild?.textContent)).toEqual(defaults);
    expect(window.location.search).toBe("?view=correlation");

    fireEvent.change(screen.getByRole("combobox", { name: "Basis" }), { target: { value: "daily" } });
    const params = new URLSearchParams(window.location.search);
    expect(params.get("basis")).toBe("daily");
    expect(params.get("ids")).toBeNull();
    // On the daily basis every indicator can be paired: the defaults take GDP too.
    const daily = await screen.findByText("scatter:12 common dates|scatter:Least-squares line (r = −0.12)");
    expect(daily).toBeInTheDocument();
    expect(screen.getAllByRole("listitem").map((li) => li.firstChild?.textContent)).toEqual(CATALOG.map((i) => i.id));
  });

  it("says so when the window holds no observations", async () => {
    const { correlation } = matrixResult(IDS, {
      matrix: IDS.map(() => IDS.map(() => null)),
      counts: IDS.map(() => IDS.map(() => 0)),
    });
    renderAt(SEARCH, [matrixMock({ data: { correlation } })]);
    const message = await screen.findByText(/No observations of UNRATE, DGS10, CPIAUCSL/);
    expect(message).toHaveTextContent("from 2023-01-01 to 2023-12-31. Widen the window.");
  });

  it("shows a failed request readably", async () => {
    renderAt(SEARCH, [
      matrixMock({ data: null, errors: [{ message: "Too many ids", extensions: { code: "BAD_USER_INPUT" } }] }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the correlation of UNRATE, DGS10, CPIAUCSL: Invalid request");
    expect(alert).toHaveTextContent("Too many ids");
  });
});

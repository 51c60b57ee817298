import type { MockLink } from "@apollo/client/testing";
import { MockedProvider } from "@apollo/client/testing/react";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCache } from "./apollo";
import { App, switchTo } from "./App";
import { session } from "./auth/session";
import { IndicatorListQuery } from "./catalog";
import { TrendsStripQuery } from "./components/TrendsStrip";
import { parseViewState } from "./lib/viewState";

// The views are tested on their own; here a stand-in shows which view the shell mounted.
vi.mock("./views/HistoryView", () => ({ default: ({ state }: { state: { ids: string[] } }) => <p>history of {state.ids.join(",")}</p> }));
vi.mock("./views/CompareView", () => ({ default: ({ state }: { state: { ids: string[] } }) => <p>compare of {state.ids.join(",")}</p> }));
vi.mock("./views/CorrelationView", () => ({ default: () => <p>correlation</p> }));
vi.mock("./views/TechnicalsView", () => ({ default: () => <p>technicals</p> }));

const indicators = [
  { __typename: "Indicator", id: "DGS10", title: "10-Year Treasury", units: "Percent", unitsShort: "%", frequency: "Daily", firstDate: "1962-01-02", lastDate: "2024-04-01" },
  { __typename: "Indicator", id: "UNRATE", title: "Unemployment Rate", units: "Percent", unitsShort: "%", frequency: "Monthly", firstDate: "1948-01-01", lastDate: "2024-03-01" },
];

const trends = [
  { __typename: "Trend", id: "DGS10", latestDate: "2024-04-01", latestValue: 4.33, change1d: 0.05, change1m: -0.1, change1y: 0.9, pctChange1y: 26.1 },
  { __typename: "Trend", id: "UNRATE", latestDate: "2024-03-01", latestValue: 3.8, change1d: 0, change1m: null, change1y: 0.3, pctChange1y: 8.6 },
];

const listMock = { request: { query: IndicatorListQuery }, result: { data: { indicators } } };
const trendsMock = {
  request: { query: TrendsStripQuery },
  result: { data: { trends, lastUpdate: { __typename: "DataUpdate", version: 7, at: "2024-04-02T06:00:00+00:00" } } },
};

function renderApp(mocks: MockLink.MockedResponse[] = [listMock, trendsMock]) {
  return render(
    <MockedProvider cache={createCache()} mocks={mocks}>
      <App />
    </MockedProvider>,
  );
}

describe("App", () => {
  beforeEach(() => {
    window.history.replaceState(null, "", "/");
  });
  afterEach(() => {
    // the page's one session: leave it anonymous for the next test
    act(() => {
      session.require();
      session.continueAnonymously();
    });
  });

  it("opens the view of the URL with its ids, and the trends strip with its 'data as of'", async () => {
    window.history.replaceState(null, "", "/?view=compare&ids=DGS10,UNRATE");
    renderApp();
    expect(await screen.findByText("compare of DGS10,UNRATE")).toBeInTheDocument();
    const strip = screen.getByRole("region", { name: "Market trends" });
    expect(await within(strip).findByText("4.33")).toBeInTheDocument();
    expect(within(strip).getByTestId("data-as-of")).toHaveTextContent("Data as of 2024-04-02 06:00 UTC · version 7");
    const row = within(strip).getByText("DGS10").closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("+0.05");
    expect(row).toHaveTextContent("−0.1");
  });

  it("switches view by its tab: a new history entry that Back undoes", async () => {
    const user = userEvent.setup();
    window.history.replaceState(null, "", "/?view=history&ids=DGS10");
    renderApp();
    await screen.findByText("history of DGS10");
    const tabs = screen.getByRole("navigation", { name: "Views" });
    expect(within(tabs).getByRole("link", { name: "History" })).toHaveAttribute("aria-current", "page");
    const compare = within(tabs).getByRole("link", { name: "Compare" });
    expect(compare).toHaveAttribute("href", "?view=compare&ids=DGS10&transform=zscore");

    await user.click(compare);
    expect(await screen.findByText("compare of DGS10")).toBeInTheDocument();
    expect(window.location.search).toBe("?view=compare&ids=DGS10&transform=zscore");

    act(() => window.history.back());
    expect(await screen.findByText("history of DGS10")).toBeInTheDocument();
  });

  it("says what in the address it did not understand", async () => {
    window.history.replaceState(null, "", "/?view=candles&transform=cubic&start=2024-13-01");
    renderApp();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent('Unknown view "candles"');
    expect(alert).toHaveTextContent('Unknown transform "cubic"');
    expect(alert).toHaveTextContent('The start date "2024-13-01" is not a date written YYYY-MM-DD');
    expect(await screen.findByText("history of")).toBeInTheDocument();
  });

  it("shows an error when the indicator list cannot be loaded", async () => {
    renderApp([
      {
        request: { query: IndicatorListQuery },
        result: { errors: [{ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "abc123" } }] },
      },
      trendsMock,
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the list of indicators: Server error");
    expect(alert).toHaveTextContent("abc123");
  });

  it("shows the sign-in form when the API wants a token, and the dashboard again after", async () => {
    const user = userEvent.setup();
    // the dashboard's queries run again under the new identity: a second answer for each
    renderApp([listMock, trendsMock, listMock, trendsMock]);
    await screen.findByText(/history of/);
    act(() => session.require("Your session has expired; sign in again."));
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Your session has expired");
    expect(screen.queryByRole("navigation", { name: "Views" })).not.toBeInTheDocument();

    const token = { access_token: "a1", token_type: "bearer", expires_in: 900, refresh_token: "r1" };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(token), { status: 200 })));
    try {
      await user.type(screen.getByLabelText("User name"), "ana");
      await user.type(screen.getByLabelText("Password"), "correct horse battery");
      await user.click(screen.getByRole("button", { name: "Sign in" }));
      expect(await screen.findByText(/history of/)).toBeInTheDocument();
      expect(screen.getByText("ana")).toBeInTheDocument();
      expect(session.headers()).toEqual({ Authorization: "Bearer a1" });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("switchTo", () => {
  const state = (search: string) => parseViewState(search).state;

  it("keeps the window, trims ids to what the view takes, and compares on z-scores", () => {
    const next = switchTo(state("?view=compare&ids=A,B,C&start=2020-01-01"), "history");
    expect(next).toMatchObject({ view: "history", ids: ["A"], start: "2020-01-01" });
    expect(switchTo(state("?view=history&ids=A"), "compare").transform).toBe("zscore");
    expect(switchTo(state("?view=history&ids=A&transform=index100"), "compare").transform).toBe("index100");
  });

  it("drops a correlation pair that is no longer among the ids", () => {
    const from = state("?view=correlation&ids=A,B,C&pair=B,C");
    expect(switchTo(from, "compare").pair).toEqual(["B", "C"]);
    expect(switchTo(from, "history").pair).toBeNull();
  });
});

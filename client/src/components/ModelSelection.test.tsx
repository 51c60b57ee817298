import { MockedProvider } from "@apollo/client/testing/react";
import type { MockLink } from "@apollo/client/testing";
import { render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createCache } from "../apollo";
import { selectionResult } from "../test/fixtures";
import { ModelSelection, ModelSelectionQuery } from "./ModelSelection";

function selectionMock(result: MockLink.MockedResponse["result"], id = "DGS10"): MockLink.MockedResponse {
  return { request: { query: ModelSelectionQuery, variables: { id } }, result };
}

function renderSelection(mocks: MockLink.MockedResponse[], id = "DGS10") {
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <ModelSelection id={id} />
    </MockedProvider>,
  );
}

/** Cell texts of the candidate table, row by row (header row excluded). */
function tableRows(): string[][] {
  const table = screen.getByRole("table");
  const [, ...rows] = within(table).getAllByRole("row");
  return rows.map((row) => Array.from(row.querySelectorAll("th, td"), (cell) => cell.textContent ?? ""));
}

describe("ModelSelection", () => {
  it("shows a loading state, then the chosen model and the candidates in rank order", async () => {
    renderSelection([selectionMock({ data: selectionResult() })]);
    expect(screen.getByRole("status")).toHaveTextContent("Loading the model selection");

    // the region is there while loading too: wait for the loaded text itself
    const region = await screen.findByRole("region", { name: "Model selection" });
    expect(await within(region).findByText(/Chosen:/)).toHaveTextContent(
      "Chosen: ETS(A,Ad,N)ets — candidates ranked by mean MASE over 3 backtest windows of 22 steps.",
    );
    expect(tableRows()).toEqual([
      ["1", "ETS(A,Ad,N)etschosen", "0.812", "3.5%", "79%", "96%", ""],
      ["2", "ARIMA(1,1,0)arima", "0.9", "4%", "70%", "90%", "failed in 1 of 3 windows"],
      ["3", "Naivenaive", "1", "4.5%", "85%", "97%", ""],
      ["—", "snaive", "—", "—", "—", "—", "excluded: the series has no seasonal period"],
    ]);
  });

  it("highlights the chosen row, also when it is not ranked first", async () => {
    // The best-ranked model's final fit failed; the runner-up was used.
    const base = selectionResult().indicator.forecast!.selection;
    const [ets, arima, ...rest] = base.candidates;
    const candidates = [
      { ...ets!, selected: false, note: "backtest rank 1; final fit failed: did not converge" },
      { ...arima!, selected: true },
      ...rest,
    ];
    renderSelection([selectionMock({ data: selectionResult({ chosen: "arima", spec: "ARIMA(1,1,0)", candidates }) })]);

    await screen.findByRole("table");
    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    const chosen = rows.filter((row) => row.classList.contains("chosen"));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]).toBe(rows[1]);
    expect(chosen[0]).toHaveAttribute("aria-current", "true");
    expect(within(chosen[0]!).getByText("chosen")).toBeInTheDocument();
    expect(rows[0]).not.toHaveAttribute("aria-current");
    expect(rows[0]).toHaveTextContent("final fit failed");
  });

  it("lists the backtest cutoffs", async () => {
    renderSelection([selectionMock({ data: selectionResult() })]);
    const cutoffs = await screen.findByText(/Backtest cutoffs/);
    const times = within(cutoffs).getAllByText(/^\d{4}-\d{2}-\d{2}$/);
    expect(times.map((t) => t.getAttribute("datetime"))).toEqual(["2024-01-31", "2024-02-29", "2024-03-29"]);
  });

  it("says so when the forecast's run recorded no candidates", async () => {
    const empty = selectionResult({ chosen: null, spec: "ets-legacy", horizon: null, windows: null, cutoffs: [], candidates: [] });
    renderSelection([selectionMock({ data: empty })]);
    expect(await screen.findByText("This forecast's run recorded no candidate models.")).toBeInTheDocument();
    expect(screen.getByText(/Chosen:/)).toHaveTextContent(/^Chosen: ets-legacy$/);
    expect(screen.getByText("No backtest windows were recorded.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("renders nothing when the indicator has no forecast", async () => {
    const { container } = renderSelection([
      selectionMock({ data: { indicator: { __typename: "Indicator", id: "GDP", forecast: null } } }, "GDP"),
    ], "GDP");
    expect(screen.getByRole("status")).toBeInTheDocument();
    await waitFor(() => expect(container).toBeEmptyDOMElement());
  });

  it("shows an API error readably, with the request id of a masked error", async () => {
    renderSelection([
      selectionMock({
        data: null,
        errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-42" } }],
      }),
    ]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the model selection: Server error");
    expect(alert).toHaveTextContent("req-42");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});

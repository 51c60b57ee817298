import type { HistoryViewQuery, ModelSelectionQuery } from "../gql/graphql";

type IndicatorData = HistoryViewQuery["indicator"];

/** A small, self-consistent HistoryView result, with __typename as the cache expects. */
export function indicatorResult(overrides: Partial<IndicatorData> = {}): { indicator: IndicatorData } {
  const dates = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"];
  const values = [4.1, null, 4.3, 4.2];
  const indicator = {
    __typename: "Indicator",
    id: "DGS10",
    title: "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity",
    units: "Percent",
    unitsShort: "%",
    frequency: "Monthly",
    seasonalAdjustment: "Not Seasonally Adjusted",
    lastDate: "2024-04-01",
    observations: { __typename: "Series", dates, values },
    stats: {
      __typename: "Stats",
      count: 3,
      mean: 4.2,
      stddev: 0.1,
      min: 4.1,
      max: 4.3,
      start: "2024-01-01",
      end: "2024-04-01",
    },
    windowStats: [
      {
        __typename: "WindowStats",
        window: "full",
        windowStart: "2024-01-01",
        windowEnd: "2024-04-01",
        count: 3,
        mean: 4.2,
        stddev: 0.1,
        min: 4.1,
        max: 4.3,
        change: 0.1,
      },
      {
        __typename: "WindowStats",
        window: "1y",
        windowStart: "2023-04-02",
        windowEnd: "2024-04-01",
        count: 3,
        mean: 4.2,
        stddev: 0.1,
        min: 4.1,
        max: 4.3,
        change: -0.25,
      },
    ],
    forecast: {
      __typename: "Forecast",
      runId: "run-1",
      model: "ETS(A,Ad,N)",
      createdAt: "2024-04-02T06:00:00Z",
      dates: ["2024-05-01", "2024-06-01"],
      mean: [4.25, 4.3],
      lower80: [4.0, 3.9],
      upper80: [4.5, 4.7],
      lower95: [3.8, 3.6],
      upper95: [4.7, 5.0],
    },
    ...overrides,
  };
  return { indicator: indicator as IndicatorData };
}

type SelectionData = ModelSelectionQuery["indicator"];
type Candidate = NonNullable<SelectionData["forecast"]>["selection"]["candidates"][number];

function candidate(fields: Omit<Candidate, "__typename">): Candidate {
  return { __typename: "ForecastCandidate", ...fields } as Candidate;
}

/** A ModelSelection result for the forecast of `indicatorResult()` (same run), ordered as the
 * API orders candidates: by rank, unranked last. */
export function selectionResult(
  overrides: Partial<NonNullable<SelectionData["forecast"]>["selection"]> = {},
  id = "DGS10",
): { indicator: SelectionData } {
  const selection = {
    __typename: "ForecastSelection",
    chosen: "ets",
    spec: "ETS(A,Ad,N)",
    horizon: 22,
    windows: 3,
    cutoffs: ["2024-01-31", "2024-02-29", "2024-03-29"],
    candidates: [
      candidate({ label: "ets", spec: "ETS(A,Ad,N)", selected: true, rank: 1, mase: 0.8123, smape: 3.456, coverage80: 0.79, coverage95: 0.955, note: null }),
      candidate({ label: "arima", spec: "ARIMA(1,1,0)", selected: false, rank: 2, mase: 0.9, smape: 4.01, coverage80: 0.7, coverage95: 0.9, note: "failed in 1 of 3 windows" }),
      candidate({ label: "naive", spec: "Naive", selected: false, rank: 3, mase: 1, smape: 4.5, coverage80: 0.85, coverage95: 0.97, note: null }),
      candidate({ label: "snaive", spec: null, selected: false, rank: null, mase: null, smape: null, coverage80: null, coverage95: null, note: "excluded: the series has no seasonal period" }),
    ],
    ...overrides,
  };
  return {
    indicator: {
      __typename: "Indicator",
      id,
      forecast: { __typename: "Forecast", runId: "run-1", model: "ETS(A,Ad,N)", selection },
    } as SelectionData,
  };
}

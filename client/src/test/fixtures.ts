import type { IndicatorViewQuery } from "../gql/graphql";

type IndicatorData = IndicatorViewQuery["indicator"];

/** A small, self-consistent IndicatorView result, with __typename as the cache expects. */
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
    forecast: {
      __typename: "Forecast",
      runId: "run-1",
      model: "ets",
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

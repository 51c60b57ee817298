import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, parseViewState, serializeViewState } from "./viewState";

describe("parseViewState", () => {
  it("reads every parameter of the contract", () => {
    const { state, problems } = parseViewState(
      "?view=correlation&ids=dgs10,UNRATE,CPIAUCSL&start=2015-01-01&end=2024-12-31&transform=pc1&frequency=m" +
        "&aggregation=eop&basis=daily&pair=UNRATE,DGS10&axis=dual",
    );
    expect(problems).toEqual([]);
    expect(state).toEqual({
      view: "correlation",
      ids: ["DGS10", "UNRATE", "CPIAUCSL"],
      start: "2015-01-01",
      end: "2024-12-31",
      preset: "10Y",
      transform: "pc1",
      frequency: "m",
      aggregation: "eop",
      basis: "daily",
      pair: ["UNRATE", "DGS10"],
      axis: "dual",
    });
  });

  it("opens the history of the first dashboard's ?indicator= bookmarks", () => {
    expect(parseViewState("?indicator=UNRATE").state).toMatchObject({ view: "history", ids: ["UNRATE"] });
  });

  it("defaults an empty address without complaint", () => {
    expect(parseViewState("")).toEqual({ state: DEFAULT_STATE, problems: [] });
  });

  it("reports what it cannot use and falls back, never swapping one id for another", () => {
    const { state, problems } = parseViewState(
      "?view=nope&ids=A,A,b-ad!,C&start=2024-02-30&transform=cube&frequency=d&window=2y&basis=weekly",
    );
    expect(state).toMatchObject({ view: "history", start: null, transform: "lin", frequency: null, preset: "10Y", basis: "monthly" });
    // history takes one id: the first of the two valid, distinct ids
    expect(state.ids).toEqual(["A"]);
    expect(problems).toEqual([
      'Unknown view "nope" (expected one of history, compare, correlation, technicals); showing history.',
      '"b-ad!" is not a FRED series id; it is ignored.',
      "The history view shows at most 1 indicator; showing A.",
      'The start date "2024-02-30" is not a date written YYYY-MM-DD; it is ignored.',
      'Unknown frequency "d" (expected one of w, m, q, a, native); showing native.',
      'Unknown window "2y" (expected one of 1y, 5y, 10y, max); showing 10y.',
      'Unknown transform "cube" (expected one of lin, chg, ch1, pch, pc1, pca, cch, cca, log, zscore, minmax, index100); showing lin.',
      'Unknown basis "weekly" (expected one of monthly, daily); showing monthly.',
    ]);
  });

  it("drops an inverted window and a pair outside the ids", () => {
    const { state, problems } = parseViewState("?view=correlation&ids=A,B&start=2024-01-02&end=2024-01-01&pair=A,Z");
    expect(state).toMatchObject({ start: null, end: null, pair: null });
    expect(problems).toEqual([
      "The start date 2024-01-02 is after the end date 2024-01-01; both are ignored.",
      'The pair "A,Z" is not two different indicators of ids; showing the first two.',
    ]);
  });
});

describe("serializeViewState", () => {
  it("round-trips, leaving defaults out and commas readable", () => {
    const search = "?view=compare&ids=DGS10,UNRATE&window=5y&transform=zscore&axis=dual";
    const { state } = parseViewState(search);
    expect(serializeViewState(state)).toBe(search);
    expect(parseViewState(serializeViewState(state)).state).toEqual(state);
  });

  it("writes explicit dates instead of the preset", () => {
    const { state } = parseViewState("?view=history&ids=A&window=1y");
    expect(serializeViewState({ ...state, start: "2020-01-01" })).toBe("?view=history&ids=A&start=2020-01-01");
  });
});

import { describe, expect, it } from "vitest";
import {
  anchorDate,
  isIsoDate,
  presetWindow,
  shiftYears,
  validateWindow,
  windowReachesLatest,
} from "./window";

describe("presetWindow", () => {
  it("counts 1Y, 5Y and 10Y back from the anchor and leaves the end open", () => {
    expect(presetWindow("1Y", "2024-06-28")).toEqual({ start: "2023-06-28", end: null });
    expect(presetWindow("5Y", "2024-06-28")).toEqual({ start: "2019-06-28", end: null });
    expect(presetWindow("10Y", "2024-06-28")).toEqual({ start: "2014-06-28", end: null });
  });

  it("opens both ends for Max", () => {
    expect(presetWindow("MAX", "2024-06-28")).toEqual({ start: null, end: null });
  });
});

describe("shiftYears", () => {
  it("maps 29 February onto 28 February in a common year", () => {
    expect(shiftYears("2024-02-29", -1)).toBe("2023-02-28");
    expect(shiftYears("2024-02-29", -4)).toBe("2020-02-29");
  });

  it("rejects malformed dates", () => {
    expect(() => shiftYears("2024-13-01", -1)).toThrow(/ISO date/);
  });
});

describe("anchorDate", () => {
  it("prefers the last observation date", () => {
    expect(anchorDate("2020-03-31", new Date(Date.UTC(2030, 0, 1)))).toBe("2020-03-31");
  });

  it("falls back to today in UTC when the series has no observations", () => {
    expect(anchorDate(null, new Date(Date.UTC(2025, 10, 24, 23, 59)))).toBe("2025-11-24");
  });
});

describe("validateWindow", () => {
  it("accepts open and ordered windows", () => {
    expect(validateWindow({ start: null, end: null })).toBeNull();
    expect(validateWindow({ start: "2020-01-01", end: "2020-01-01" })).toBeNull();
  });

  it("explains a start after the end", () => {
    expect(validateWindow({ start: "2021-01-01", end: "2020-01-01" })).toMatch(/on or before/);
  });

  it("flags impossible dates", () => {
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(validateWindow({ start: "2023-02-29", end: null })).toMatch(/Start date/);
  });
});

describe("windowReachesLatest", () => {
  it("is true for open windows and windows ending at or after the last observation", () => {
    expect(windowReachesLatest({ start: "2020-01-01", end: null }, "2024-01-01")).toBe(true);
    expect(windowReachesLatest({ start: null, end: "2024-01-01" }, "2024-01-01")).toBe(true);
  });

  it("is false for windows that end earlier", () => {
    expect(windowReachesLatest({ start: null, end: "2023-12-31" }, "2024-01-01")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { formatCount, formatNumber, formatPercent, formatShare, formatSigned, toneOf } from "./format";

describe("formatNumber", () => {
  it("shows a dash for missing statistics", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(undefined)).toBe("—");
    expect(formatNumber(Number.NaN)).toBe("—");
  });

  it("scales precision with magnitude", () => {
    expect(formatNumber(27123.456)).toBe("27,123.5");
    expect(formatNumber(4.23456)).toBe("4.235");
    expect(formatNumber(0.0012345)).toBe("0.00123");
    expect(formatNumber(0)).toBe("0");
    expect(formatCount(16234)).toBe("16,234");
  });
});

describe("backtest metric formatting", () => {
  it("shows interval coverage (a share) as a whole percentage", () => {
    expect(formatShare(0.8)).toBe("80%");
    expect(formatShare(0.956)).toBe("96%");
    expect(formatShare(1)).toBe("100%");
    expect(formatShare(null)).toBe("—");
  });

  it("shows sMAPE (already in percent) with one decimal", () => {
    expect(formatPercent(12.345)).toBe("12.3%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe("—");
    expect(formatPercent(undefined)).toBe("—");
  });
});

describe("formatSigned", () => {
  it("signs changes with a true minus and keeps percentages to two decimals", () => {
    expect(formatSigned(0.617)).toBe("+0.617");
    expect(formatSigned(-0.0039)).toBe("−0.0039");
    expect(formatSigned(0)).toBe("0");
    expect(formatSigned(2.6163, "%")).toBe("+2.62%");
    expect(formatSigned(-25.2512, "%")).toBe("−25.25%");
    expect(formatSigned(null)).toBe("—");
  });
});

describe("toneOf", () => {
  it("classes a rise up and a fall down, nothing for zero or undefined, after any base class", () => {
    expect(toneOf(0.5)).toBe("up");
    expect(toneOf(-2, "num")).toBe("num down");
    expect(toneOf(0, "num")).toBe("num");
    expect(toneOf(null)).toBeUndefined();
  });
});

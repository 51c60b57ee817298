import { describe, expect, it } from "vitest";
import { formatCount, formatNumber } from "./format";

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

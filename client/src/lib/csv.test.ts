import { describe, expect, it } from "vitest";
import { joinOnDates, toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes what needs quoting and leaves missing values empty", () => {
    expect(toCsv(["date", 'name "x", y'], [["2024-01-01", 1.5], ["2024-01-02", null], ["a\nb", Number.NaN]])).toBe(
      'date,"name ""x"", y"\r\n2024-01-01,1.5\r\n2024-01-02,\r\n"a\nb",\r\n',
    );
  });
});

describe("joinOnDates", () => {
  it("makes one sorted row per date with each column's value or nothing", () => {
    const rows = joinOnDates([
      { dates: ["2024-02-01", "2024-01-01"], values: [2, 1] },
      { dates: ["2024-01-01", "2024-03-01"], values: [10, null] },
    ]);
    expect(rows).toEqual([
      ["2024-01-01", 1, 10],
      ["2024-02-01", 2, null],
      ["2024-03-01", null, null],
    ]);
  });
});

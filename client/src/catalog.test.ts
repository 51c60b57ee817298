import { describe, expect, it } from "vitest";
import { lookup, spanOf, type CatalogIndicator } from "./catalog";

const entry = (id: string, firstDate: string | null, lastDate: string | null): CatalogIndicator => ({
  id,
  title: id,
  units: "Percent",
  unitsShort: "%",
  frequency: "Daily",
  firstDate,
  lastDate,
});

describe("spanOf", () => {
  it("takes the earliest first and the latest last observation, ignoring missing ones", () => {
    const span = spanOf([entry("A", "2001-01-02", "2024-03-01"), entry("B", null, "2025-01-02"), entry("C", "1990-05-01", null)]);
    expect(span).toEqual({ firstDate: "1990-05-01", lastDate: "2025-01-02" });
    expect(spanOf([])).toEqual({ firstDate: null, lastDate: null });
  });
});

describe("lookup", () => {
  it("keeps the order asked for and names the ids the catalog lacks", () => {
    const catalog = [entry("A", null, null), entry("B", null, null)];
    const { found, unknown } = lookup(catalog, ["B", "NOPE", "A"]);
    expect(found.map((i) => i.id)).toEqual(["B", "A"]);
    expect(unknown).toEqual(["NOPE"]);
  });
});

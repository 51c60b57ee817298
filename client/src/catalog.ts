/**
 * The catalog: every indicator the API serves, loaded once by the shell and handed to each
 * view (pickers, titles, units, the last observation presets count back from).
 */
import { graphql } from "./gql";
import type { IndicatorListQuery as IndicatorListResult } from "./gql/graphql";

export const IndicatorListQuery = graphql(`
  query IndicatorList {
    indicators {
      id
      title
      units
      unitsShort
      frequency
      firstDate
      lastDate
    }
  }
`);

export type CatalogIndicator = IndicatorListResult["indicators"][number];

/** FRED's frequency names of series observed at least daily (technicals and daily basis). */
export function isDaily(indicator: Pick<CatalogIndicator, "frequency">): boolean {
  return indicator.frequency.toLowerCase().startsWith("daily");
}

/** The catalog entries of `ids` that exist, in order, and the ids that do not. */
export function lookup(
  catalog: readonly CatalogIndicator[],
  ids: readonly string[],
): { found: CatalogIndicator[]; unknown: string[] } {
  const found: CatalogIndicator[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const entry = catalog.find((i) => i.id === id);
    if (entry) found.push(entry);
    else unknown.push(id);
  }
  return { found, unknown };
}

/** The dates a set of indicators spans: the earliest first and the latest last observation. */
export interface Span {
  firstDate: string | null;
  lastDate: string | null;
}

export function spanOf(entries: readonly Pick<CatalogIndicator, "firstDate" | "lastDate">[]): Span {
  let firstDate: string | null = null;
  let lastDate: string | null = null;
  for (const entry of entries) {
    if (entry.firstDate && (firstDate === null || entry.firstDate < firstDate)) firstDate = entry.firstDate;
    if (entry.lastDate && (lastDate === null || entry.lastDate > lastDate)) lastDate = entry.lastDate;
  }
  return { firstDate, lastDate };
}

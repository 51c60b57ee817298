import { useApolloClient, useQuery, useSubscription } from "@apollo/client/react";
import { useState } from "react";
import type { CatalogIndicator } from "../catalog";
import { graphql } from "../gql";
import { formatNumber, formatSigned, toneOf } from "../lib/format";

export const TrendsStripQuery = graphql(`
  query TrendsStrip {
    trends {
      id
      latestDate
      latestValue
      change1d
      change1m
      change1y
      pctChange1y
    }
    lastUpdate {
      version
      at
    }
  }
`);

export const DataUpdatedSubscription = graphql(`
  subscription DataUpdated {
    dataUpdated {
      version
      seriesIds
      at
    }
  }
`);

/** "2026-12-08T09:30:00+00:00" → "2026-12-08 09:30 UTC". */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * "Market trends" on every view: each catalog indicator's latest value and change. It listens
 * to `dataUpdated` and, when the pipeline lands new data, refetches itself and whatever the
 * current view shows, so the page stays current without a reload.
 */
export function TrendsStrip({ catalog }: { catalog: readonly CatalogIndicator[] }) {
  const client = useApolloClient();
  const { data, error } = useQuery(TrendsStripQuery);
  const [live, setLive] = useState<{ version: number; at: string } | null>(null);
  useSubscription(DataUpdatedSubscription, {
    onData: ({ data: update }) => {
      const pushed = update.data?.dataUpdated;
      if (!pushed) return;
      setLive({ version: pushed.version, at: pushed.at });
      void client.refetchQueries({ include: "active" });
    },
  });

  const asOf = live ?? data?.lastUpdate ?? null;
  const titles = new Map(catalog.map((i) => [i.id, i]));

  return (
    <section className="trends-strip" aria-label="Market trends">
      <header>
        <h2>Market trends</h2>
        <p className="muted" data-testid="data-as-of">
          {asOf ? (
            <>
              Data as of <time dateTime={asOf.at}>{formatInstant(asOf.at)}</time>
              <span className="version"> · version {asOf.version}</span>
            </>
          ) : error ? (
            "Trends unavailable"
          ) : (
            "Loading…"
          )}
          {live ? <span className="live-dot" title="Updated live" aria-label="updated live" /> : null}
        </p>
      </header>
      <div className="trends-scroll" tabIndex={0} aria-label="Latest values (scrolls sideways)">
        <table>
          <thead>
            <tr>
              <th scope="col">Indicator</th>
              <th scope="col">Latest</th>
              <th scope="col">Date</th>
              <th scope="col">1 day</th>
              <th scope="col">1 month</th>
              <th scope="col">1 year</th>
              <th scope="col">1 year %</th>
            </tr>
          </thead>
          <tbody>
            {(data?.trends ?? []).map((trend) => (
              <tr key={trend.id} data-series={trend.id}>
                <th scope="row" title={titles.get(trend.id)?.title}>
                  {trend.id}
                </th>
                <td>{formatNumber(trend.latestValue)}</td>
                <td>{trend.latestDate ?? "—"}</td>
                <td className={toneOf(trend.change1d)}>{formatSigned(trend.change1d)}</td>
                <td className={toneOf(trend.change1m)}>{formatSigned(trend.change1m)}</td>
                <td className={toneOf(trend.change1y)}>{formatSigned(trend.change1y)}</td>
                <td className={toneOf(trend.pctChange1y)}>{formatSigned(trend.pctChange1y, "%")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

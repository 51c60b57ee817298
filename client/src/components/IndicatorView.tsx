import { useQuery } from "@apollo/client/react";
import { graphql } from "../gql";
import { buildTraces } from "../lib/traces";
import { windowReachesLatest, type DateWindow } from "../lib/window";
import { ErrorNotice } from "./ErrorNotice";
import { ModelSelection } from "./ModelSelection";
import { StatsPanel } from "./StatsPanel";
import { TimeSeriesChart } from "./TimeSeriesChart";

export const IndicatorViewQuery = graphql(`
  query IndicatorView($id: ID!, $start: Date, $end: Date) {
    indicator(id: $id) {
      id
      title
      units
      unitsShort
      frequency
      seasonalAdjustment
      lastDate
      observations(start: $start, end: $end) {
        dates
        values
      }
      stats(start: $start, end: $end) {
        count
        mean
        stddev
        min
        max
        start
        end
      }
      forecast {
        runId
        model
        createdAt
        dates
        mean
        lower80
        upper80
        lower95
        upper95
      }
    }
  }
`);

interface Props {
  id: string;
  window: DateWindow;
  showForecast: boolean;
}

export function IndicatorView({ id, window, showForecast }: Props) {
  const { data, previousData, loading, error } = useQuery(IndicatorViewQuery, {
    variables: { id, start: window.start, end: window.end },
  });

  if (error) return <ErrorNotice error={error} context={`Could not load ${id}`} />;

  // While a new window or indicator loads, keep the previous chart on screen (dimmed)
  // rather than collapsing the layout to a spinner.
  const shown = data ?? previousData;
  if (!shown) {
    return (
      <div className="chart-card chart-loading" role="status" aria-live="polite">
        Loading {id}…
      </div>
    );
  }

  const indicator = shown.indicator;
  const forecast =
    showForecast && indicator.forecast && windowReachesLatest(window, indicator.lastDate)
      ? indicator.forecast
      : null;
  const traces = buildTraces(indicator.observations, forecast, indicator.id);
  const empty = indicator.observations.dates.length === 0;
  const updating = loading || !data;

  return (
    <div className="indicator-view" aria-busy={updating}>
      <div className={updating ? "chart-card updating" : "chart-card"}>
        <div className="chart-heading">
          <h2>
            {indicator.title} <span className="series-id">{indicator.id}</span>
          </h2>
          <p className="chart-meta">
            {[indicator.frequency, indicator.seasonalAdjustment, indicator.units].filter(Boolean).join(" · ")}
            {updating ? <span className="updating-label" role="status"> · updating…</span> : null}
          </p>
        </div>
        {empty ? (
          <p className="status">No observations in this window.</p>
        ) : (
          <TimeSeriesChart traces={traces} yTitle={indicator.units} />
        )}
        {forecast ? (
          <p className="chart-footnote">
            Forecast: <strong>{forecast.model}</strong>, {forecast.dates.length} steps, run{" "}
            {forecast.createdAt.slice(0, 16).replace("T", " ")} UTC. Shaded: 80% and 95% intervals.
          </p>
        ) : showForecast && !indicator.forecast ? (
          <p className="chart-footnote">No forecast is available for this indicator.</p>
        ) : null}
      </div>
      <StatsPanel stats={indicator.stats} unitsShort={indicator.unitsShort} />
      {showForecast && indicator.forecast ? <ModelSelection id={indicator.id} /> : null}
    </div>
  );
}

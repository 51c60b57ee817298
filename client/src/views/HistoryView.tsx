import { useQuery } from "@apollo/client/react";
import { useRef } from "react";
import { lookup, spanOf } from "../catalog";
import { Chart } from "../components/Chart";
import { ChoiceSelect } from "../components/controls/ChoiceSelect";
import { FrequencyControls } from "../components/controls/FrequencyControls";
import { IndicatorPicker } from "../components/controls/IndicatorPicker";
import { WindowControls } from "../components/controls/WindowControls";
import { ErrorNotice } from "../components/ErrorNotice";
import { ExportBar } from "../components/ExportBar";
import { ModelSelection } from "../components/ModelSelection";
import { StatsPanel } from "../components/StatsPanel";
import { UnknownIds } from "../components/UnknownIds";
import { WindowStatsTable } from "../components/WindowStatsTable";
import { graphql } from "../gql";
import { joinOnDates } from "../lib/csv";
import { buildTraces } from "../lib/traces";
import {
  AGGREGATION_CODES,
  FREQUENCY_CODES,
  TRANSFORM_CODES,
  TRANSFORM_LABELS,
  type TransformCode,
  type ViewState,
} from "../lib/viewState";
import { anchorDate, resolveWindow, validateWindow, windowReachesLatest } from "../lib/window";
import type { ViewProps } from "./types";

/** Points a chart of this width can show; more are thinned by the API (min/max kept). */
export const MAX_POINTS = 2000;

export const HistoryViewQuery = graphql(`
  query HistoryView(
    $id: ID!
    $start: Date
    $end: Date
    $transform: Transform!
    $frequency: Frequency
    $aggregation: Aggregation!
    $maxPoints: Int
  ) {
    indicator(id: $id) {
      id
      title
      units
      unitsShort
      frequency
      seasonalAdjustment
      lastDate
      observations(
        start: $start
        end: $end
        transform: $transform
        frequency: $frequency
        aggregation: $aggregation
        maxPoints: $maxPoints
      ) {
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
      windowStats {
        window
        windowStart
        windowEnd
        count
        mean
        stddev
        min
        max
        change
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

const TRANSFORMS = (Object.keys(TRANSFORM_CODES) as TransformCode[]).map((c) => [c, TRANSFORM_LABELS[c]] as const);

/** The API's chart image of what the view shows (print quality, Matplotlib). */
export function chartImageUrl(id: string, state: ViewState, window: { start: string | null; end: string | null }, forecast: boolean): string {
  const params = new URLSearchParams({ transform: state.transform, width: "1600", height: "900", dpi: "200" });
  if (window.start) params.set("start", window.start);
  if (window.end) params.set("end", window.end);
  if (state.frequency) {
    params.set("frequency", state.frequency);
    params.set("aggregation", state.aggregation);
  }
  if (forecast) params.set("forecast", "true");
  return `/api/v1/charts/${encodeURIComponent(id)}.png?${params.toString()}`;
}

export default function HistoryView({ state, update, catalog }: ViewProps) {
  const id = state.ids[0] ?? catalog[0]?.id ?? null;
  const { unknown } = lookup(catalog, id ? [id] : []);
  const entry = catalog.find((i) => i.id === id);
  const window = resolveWindow(state, anchorDate(entry?.lastDate));
  const problem = validateWindow(window);

  return (
    <div className="view">
      <section className="controls" aria-label="Chart controls">
        <IndicatorPicker label="Indicator" catalog={catalog} value={id} onChange={(next) => update({ ids: [next] })} />
        <WindowControls state={state} span={spanOf(entry ? [entry] : [])} update={update} />
        <ChoiceSelect label="Units" value={state.transform} options={TRANSFORMS} onChange={(transform) => update({ transform })} />
        <FrequencyControls state={state} update={update} />
      </section>
      {unknown.length > 0 ? (
        <UnknownIds ids={unknown} />
      ) : problem ? (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      ) : id ? (
        <History id={id} state={state} window={window} />
      ) : null}
    </div>
  );
}

function History({ id, state, window }: { id: string; state: ViewState; window: { start: string | null; end: string | null } }) {
  const chartRef = useRef<HTMLDivElement>(null);
  const { data, previousData, loading, error } = useQuery(HistoryViewQuery, {
    variables: {
      id,
      start: window.start,
      end: window.end,
      transform: TRANSFORM_CODES[state.transform],
      frequency: state.frequency ? FREQUENCY_CODES[state.frequency] : null,
      aggregation: AGGREGATION_CODES[state.aggregation],
      maxPoints: MAX_POINTS,
    },
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
  // Forecasts are in the series' own units and frequency: shown on the untransformed series.
  const forecastFits = state.transform === "lin" && state.frequency === null;
  const forecast =
    forecastFits && indicator.forecast && windowReachesLatest(window, indicator.lastDate) ? indicator.forecast : null;
  const traces = buildTraces(indicator.observations, forecast, indicator.id);
  const empty = indicator.observations.dates.length === 0;
  const updating = loading || !data;
  const units = state.transform === "lin" ? indicator.units : TRANSFORM_LABELS[state.transform];
  const label = `${indicator.title} (${indicator.id}), ${units}, ${window.start ?? "first observation"} to ${window.end ?? "latest"}`;

  return (
    <div className="indicator-view" aria-busy={updating}>
      <div className={updating ? "chart-card updating" : "chart-card"} ref={chartRef}>
        <div className="chart-heading">
          <h2>
            {indicator.title} <span className="series-id">{indicator.id}</span>
          </h2>
          <p className="chart-meta">
            {[indicator.frequency, indicator.seasonalAdjustment, units].filter(Boolean).join(" · ")}
            {updating ? <span className="updating-label" role="status"> · updating…</span> : null}
          </p>
        </div>
        {empty ? (
          <p className="status chart-empty">
            No observations of {indicator.id} between {window.start ?? "the first observation"} and{" "}
            {window.end ?? "the latest"}. Widen the window.
          </p>
        ) : (
          <Chart
            data={traces}
            layout={{ yaxis: { title: { text: units }, gridcolor: "#eef0f3", zeroline: false, automargin: true } }}
            filename={`${indicator.id}-history`}
            label={label}
          />
        )}
        {forecast ? (
          <p className="chart-footnote">
            Forecast: <strong>{forecast.model}</strong>, {forecast.dates.length} steps, run{" "}
            {forecast.createdAt.slice(0, 16).replace("T", " ")} UTC. Shaded: 80% and 95% intervals.
          </p>
        ) : forecastFits && !indicator.forecast ? (
          <p className="chart-footnote">No forecast is available for this indicator.</p>
        ) : !forecastFits ? (
          <p className="chart-footnote">The forecast is shown on the series as published (level, own frequency).</p>
        ) : null}
        <ExportBar
          csv={{
            filename: `${indicator.id}-${state.transform}.csv`,
            header: ["date", `${indicator.id} (${units})`],
            rows: () => joinOnDates([indicator.observations]),
          }}
          pngUrl={chartImageUrl(indicator.id, state, window, forecast !== null)}
          pngFilename={`${indicator.id}-${state.transform}.png`}
        />
      </div>
      <StatsPanel stats={indicator.stats} unitsShort={indicator.unitsShort} />
      <WindowStatsTable rows={indicator.windowStats} unitsShort={indicator.unitsShort} />
      {forecastFits && indicator.forecast ? <ModelSelection id={indicator.id} /> : null}
    </div>
  );
}

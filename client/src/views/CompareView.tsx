import { useQuery } from "@apollo/client/react";
import { useRef } from "react";
import { lookup, spanOf } from "../catalog";
import { Chart } from "../components/Chart";
import { ChoiceSelect } from "../components/controls/ChoiceSelect";
import { FrequencyControls } from "../components/controls/FrequencyControls";
import { IndicatorsPicker } from "../components/controls/IndicatorsPicker";
import { WindowControls } from "../components/controls/WindowControls";
import { ErrorNotice } from "../components/ErrorNotice";
import { ExportBar } from "../components/ExportBar";
import { UnknownIds } from "../components/UnknownIds";
import { graphql } from "../gql";
import type { CompareViewQuery as CompareViewResult } from "../gql/graphql";
import {
  colorOf,
  compareLayout,
  compareTraces,
  csvHeader,
  csvRows,
  distinctUnits,
  effectiveAxis,
  hasValues,
  mixesUnits,
  scaleLabel,
  scaleOptions,
  windowSummary,
} from "../lib/compare";
import { formatNumber, formatSigned, toneOf } from "../lib/format";
import {
  AGGREGATION_CODES,
  FREQUENCY_CODES,
  FREQUENCY_LABELS,
  ID_LIMITS,
  TRANSFORM_CODES,
  type AxisMode,
  type ViewState,
} from "../lib/viewState";
import { anchorDate, resolveWindow, validateWindow, type DateWindow } from "../lib/window";
import type { ViewProps } from "./types";
import "./CompareView.css";

export const CompareViewQuery = graphql(`
  query CompareView(
    $ids: [ID!]!
    $start: Date
    $end: Date
    $transform: Transform!
    $frequency: Frequency
    $aggregation: Aggregation!
  ) {
    indicators(ids: $ids) {
      id
      title
      units
      unitsShort
      frequency
      lastDate
      observations(
        start: $start
        end: $end
        transform: $transform
        frequency: $frequency
        aggregation: $aggregation
        maxPoints: 2000
      ) {
        dates
        values
      }
    }
    trends(ids: $ids) {
      id
      latestDate
      latestValue
      change1d
      change1m
      change1y
      pctChange1y
      zscore1y
    }
  }
`);

type CompareIndicator = CompareViewResult["indicators"][number];
type CompareTrend = CompareViewResult["trends"][number];

const LIMITS = ID_LIMITS.compare;
const AXES: readonly (readonly [AxisMode, string])[] = [
  ["shared", "One shared axis"],
  ["dual", "Two axes (left, right)"],
];

function describeWindow(window: DateWindow): string {
  return `between ${window.start ?? "the first observation"} and ${window.end ?? "the latest"}`;
}

export default function CompareView({ state, update, catalog }: ViewProps) {
  // Without ids in the URL, the first two of the catalog (written to the URL only once edited).
  const ids = state.ids.length > 0 ? state.ids : catalog.slice(0, 2).map((i) => i.id);
  const { found, unknown } = lookup(catalog, ids);
  // Presets count back from the latest observation among the chosen indicators.
  const span = spanOf(found);
  const window = resolveWindow(state, anchorDate(span.lastDate));
  const problem = validateWindow(window);
  const axis = effectiveAxis(state.axis, found.length);

  const setIds = (next: string[]) =>
    update({ ids: next, ...(next.length !== 2 && state.axis === "dual" ? { axis: "shared" as const } : {}) });

  return (
    <div className="view compare-view">
      <section className="controls" aria-label="Chart controls">
        <IndicatorsPicker
          label="Indicators"
          catalog={catalog}
          value={ids}
          onChange={setIds}
          min={LIMITS.min}
          max={LIMITS.max}
        />
        <WindowControls state={state} span={span} update={update} />
        <ChoiceSelect
          label="Scale"
          value={state.transform}
          options={scaleOptions(state.transform)}
          onChange={(transform) => update({ transform })}
        />
        <ChoiceSelect
          label="Axes"
          value={axis}
          options={found.length === 2 ? AXES : AXES.slice(0, 1)}
          onChange={(next) => update({ axis: next })}
        />
        <FrequencyControls state={state} update={update} />
      </section>
      {unknown.length > 0 ? <UnknownIds ids={unknown} /> : null}
      {problem ? (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      ) : found.length > 0 ? (
        <Comparison ids={found.map((i) => i.id)} state={state} window={window} axis={axis} update={update} />
      ) : null}
    </div>
  );
}

interface ComparisonProps {
  ids: string[];
  state: ViewState;
  window: DateWindow;
  axis: AxisMode;
  update: ViewProps["update"];
}

function Comparison({ ids, state, window, axis, update }: ComparisonProps) {
  const chartRef = useRef<HTMLDivElement>(null);
  const { data, previousData, loading, error } = useQuery(CompareViewQuery, {
    variables: {
      ids,
      start: window.start,
      end: window.end,
      transform: TRANSFORM_CODES[state.transform],
      frequency: state.frequency ? FREQUENCY_CODES[state.frequency] : null,
      aggregation: AGGREGATION_CODES[state.aggregation],
    },
  });

  if (error) return <ErrorNotice error={error} context={`Could not load ${ids.join(", ")}`} />;

  // While new indicators or a new window load, the previous chart stays on screen (dimmed)
  // rather than the layout collapsing to a spinner.
  const shown = data ?? previousData;
  if (!shown) {
    return (
      <div className="chart-card chart-loading" role="status" aria-live="polite">
        Loading {ids.join(", ")}…
      </div>
    );
  }

  const series = shown.indicators;
  const updating = loading || !data;
  const scale = scaleLabel(state.transform);
  const drawn = series.filter(hasValues);
  const missing = series.filter((s) => !hasValues(s));
  const shownIds = series.map((s) => s.id);
  const mixed = mixesUnits(series, state.transform, axis);
  const filename = `compare-${shownIds.join("-")}-${state.transform}`;
  const label =
    `${shownIds.join(", ")} on ${axis === "dual" && series.length === 2 ? "two axes" : "one axis"}, ` +
    `${scale}, ${window.start ?? "first observation"} to ${window.end ?? "latest"}`;

  return (
    <div className="compare" aria-busy={updating}>
      <div className={updating ? "chart-card updating" : "chart-card"} ref={chartRef}>
        <div className="chart-heading">
          <h2>{series.length === 1 ? series[0]?.title : `${series.length} indicators compared`}</h2>
          <p className="chart-meta">
            {[scale, state.frequency ? FREQUENCY_LABELS[state.frequency] : null].filter(Boolean).join(" · ")}
            {updating ? (
              <span className="updating-label" role="status">
                {" "}
                · updating…
              </span>
            ) : null}
          </p>
        </div>
        {mixed ? <MixedUnits series={series} twoAxesPossible={series.length === 2} update={update} /> : null}
        {drawn.length === 0 ? (
          <p className="status chart-empty">
            No observations of {shownIds.join(", ")} {describeWindow(window)}. Widen the window.
          </p>
        ) : (
          <Chart
            data={compareTraces(series, axis)}
            layout={compareLayout(series, state.transform, axis)}
            filename={filename}
            label={label}
          />
        )}
        {drawn.length > 0 && missing.length > 0 ? (
          <p className="chart-footnote">
            No observations of {missing.map((s) => s.id).join(", ")} {describeWindow(window)} on this scale.
          </p>
        ) : null}
        <ExportBar
          csv={{ filename: `${filename}.csv`, header: csvHeader(series, state.transform), rows: () => csvRows(series) }}
          chart={chartRef}
          pngFilename={`${filename}.png`}
        />
      </div>
      {drawn.length > 0 ? <WindowTable series={series} scale={scale} /> : null}
      <TrendsTable series={series} trends={shown.trends} />
    </div>
  );
}

/** Levels in different units on one axis: say so, and offer the scales that fix it. */
function MixedUnits({
  series,
  twoAxesPossible,
  update,
}: {
  series: readonly CompareIndicator[];
  twoAxesPossible: boolean;
  update: ViewProps["update"];
}) {
  const units = distinctUnits(series);
  return (
    <div className="notice notice-warning compare-units" role="note">
      <p className="notice-title">These indicators are in different units ({units.join("; ")}).</p>
      <p className="notice-message">
        On one axis their levels are not comparable. Show them as an index (2015 = 100), as z-scores
        {twoAxesPossible ? ", or each on its own axis" : ""}.
      </p>
      <div className="compare-units-actions">
        <button type="button" onClick={() => update({ transform: "index100" })}>
          Index (2015 = 100)
        </button>
        <button type="button" onClick={() => update({ transform: "zscore" })}>
          Z-score
        </button>
        {twoAxesPossible ? (
          <button type="button" onClick={() => update({ axis: "dual" })}>
            Two axes
          </button>
        ) : null}
      </div>
    </div>
  );
}

function Swatch({ index }: { index: number }) {
  return <span className="compare-swatch" style={{ background: colorOf(index) }} aria-hidden="true" />;
}

/** The chart as numbers: each line's first and last value in the window, its range and change. */
function WindowTable({ series, scale }: { series: readonly CompareIndicator[]; scale: string }) {
  return (
    <section className="table-card" aria-labelledby="compare-window-title">
      <h2 id="compare-window-title">In this window ({scale})</h2>
      <div className="table-scroll" tabIndex={0} aria-label="Values in this window (scrolls sideways)">
        <table className="compare-table">
          <thead>
            <tr>
              <th scope="col">Indicator</th>
              <th scope="col">From</th>
              <th scope="col">First</th>
              <th scope="col">To</th>
              <th scope="col">Last</th>
              <th scope="col">Change</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s, index) => {
              const summary = windowSummary(s);
              return (
                <tr key={s.id} data-series={s.id}>
                  <th scope="row">
                    <Swatch index={index} />
                    {s.id}
                  </th>
                  <td>{summary.first?.date ?? "—"}</td>
                  <td className="num">{formatNumber(summary.first?.value)}</td>
                  <td>{summary.last?.date ?? "—"}</td>
                  <td className="num">{formatNumber(summary.last?.value)}</td>
                  <td className="num">{formatSigned(summary.change)}</td>
                  <td className="num">{formatNumber(summary.min)}</td>
                  <td className="num">{formatNumber(summary.max)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Latest value and changes of each indicator, in its own units (the API's trends). */
function TrendsTable({ series, trends }: { series: readonly CompareIndicator[]; trends: readonly CompareTrend[] }) {
  const byId = new Map(trends.map((t) => [t.id, t]));
  return (
    <section className="table-card" aria-labelledby="compare-trends-title">
      <h2 id="compare-trends-title">Latest values</h2>
      <div className="table-scroll" tabIndex={0} aria-label="Latest values (scrolls sideways)">
        <table className="compare-table">
          <thead>
            <tr>
              <th scope="col">Indicator</th>
              <th scope="col">Date</th>
              <th scope="col">Latest</th>
              <th scope="col">Units</th>
              <th scope="col">1 day</th>
              <th scope="col">1 month</th>
              <th scope="col">1 year</th>
              <th scope="col">1 year %</th>
              <th scope="col">Z-score 1y</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s, index) => {
              const trend = byId.get(s.id);
              return (
                <tr key={s.id} data-series={s.id}>
                  <th scope="row">
                    <Swatch index={index} />
                    {s.id}
                    <span className="compare-title">{s.title}</span>
                  </th>
                  <td>{trend?.latestDate ?? "—"}</td>
                  <td className="num">{formatNumber(trend?.latestValue)}</td>
                  <td title={s.units}>{s.unitsShort || s.units}</td>
                  <td className={toneOf(trend?.change1d, "num")}>{formatSigned(trend?.change1d)}</td>
                  <td className={toneOf(trend?.change1m, "num")}>{formatSigned(trend?.change1m)}</td>
                  <td className={toneOf(trend?.change1y, "num")}>{formatSigned(trend?.change1y)}</td>
                  <td className={toneOf(trend?.pctChange1y, "num")}>{formatSigned(trend?.pctChange1y, "%")}</td>
                  <td className="num">{formatSigned(trend?.zscore1y)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

import { useQuery } from "@apollo/client/react";
import { useEffect, useRef } from "react";
import { isDaily, lookup, spanOf } from "../catalog";
import { Chart } from "../components/Chart";
import { ChoiceSelect } from "../components/controls/ChoiceSelect";
import { IndicatorPicker } from "../components/controls/IndicatorPicker";
import { WindowControls } from "../components/controls/WindowControls";
import { ErrorNotice } from "../components/ErrorNotice";
import { ExportBar } from "../components/ExportBar";
import { UnknownIds } from "../components/UnknownIds";
import { graphql } from "../gql";
import type { TechnicalsViewQuery as TechnicalsViewResult } from "../gql/graphql";
import { formatNumber } from "../lib/format";
import {
  buildTechnicalTraces,
  CANDLE_CSV_HEADER,
  CANDLE_LABELS,
  candleCsvRows,
  candleFrequency,
  formatMeasure,
  latestCandles,
  latestTechnicals,
  TECHNICAL_MEASURES,
  technicalsCsvRows,
  TECHNICALS_CSV_HEADER,
  technicalsLayout,
  type CandleCode,
} from "../lib/technicals";
import { FREQUENCY_CODES, FREQUENCY_LABELS } from "../lib/viewState";
import { anchorDate, resolveWindow, validateWindow, type DateWindow } from "../lib/window";
import type { ViewProps } from "./types";
import "./TechnicalsView.css";

/** Technicals rows a chart of this width can show; the API keeps evenly spaced rows beyond it. */
export const MAX_POINTS = 1500;

/** Candles listed in the table under the chart (the CSV holds them all). */
export const TABLE_CANDLES = 12;

const CHART_HEIGHT = 560;

export const TechnicalsViewQuery = graphql(`
  query TechnicalsView($id: ID!, $start: Date, $end: Date, $frequency: Frequency!, $maxPoints: Int) {
    indicator(id: $id) {
      id
      title
      units
      unitsShort
      frequency
      lastDate
      candles(frequency: $frequency, start: $start, end: $end) {
        dates
        open
        high
        low
        close
      }
      technicals(start: $start, end: $end, maxPoints: $maxPoints) {
        dates
        sma20
        sma50
        sma200
        volatility21
        volatility63
        bollingerUpper
        bollingerMiddle
        bollingerLower
      }
    }
  }
`);

type TechnicalsIndicator = TechnicalsViewResult["indicator"];

const CANDLE_OPTIONS: readonly (readonly [CandleCode, string])[] = [
  ["w", CANDLE_LABELS.w],
  ["m", CANDLE_LABELS.m],
];

function describeWindow(window: DateWindow): string {
  return `between ${window.start ?? "the first observation"} and ${window.end ?? "the latest"}`;
}

export default function TechnicalsView({ state, update, catalog }: ViewProps) {
  // Without an id in the URL, the first daily series (written to the URL only once edited).
  const id = state.ids[0] ?? catalog.find(isDaily)?.id ?? null;
  const { unknown } = lookup(catalog, id ? [id] : []);
  const entry = catalog.find((i) => i.id === id);
  const window = resolveWindow(state, anchorDate(entry?.lastDate));
  const problem = validateWindow(window);
  const candles = candleFrequency(state.frequency);

  return (
    <div className="view technicals-view">
      <section className="controls" aria-label="Chart controls">
        <IndicatorPicker
          label="Indicator"
          catalog={catalog}
          value={id}
          filter={isDaily}
          onChange={(next) => update({ ids: [next] })}
        />
        <WindowControls state={state} span={spanOf(entry ? [entry] : [])} update={update} />
        <ChoiceSelect
          label="Candles"
          value={candles.code}
          options={CANDLE_OPTIONS}
          onChange={(code) => update({ frequency: code === "m" ? null : code })}
        />
      </section>
      {candles.unsupported ? (
        <p className="notice notice-warning" role="note">
          Candles are weekly or monthly, not {FREQUENCY_LABELS[candles.unsupported].toLowerCase()}: showing monthly
          candles.
        </p>
      ) : null}
      {unknown.length > 0 ? (
        <UnknownIds ids={unknown} />
      ) : entry && !isDaily(entry) ? (
        <div className="notice notice-warning" role="alert">
          <p className="notice-title">
            Technicals need a daily series; {entry.id} is {entry.frequency}.
          </p>
          <p className="notice-message">Pick a daily series from the list above.</p>
        </div>
      ) : problem ? (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      ) : id ? (
        <Technicals id={id} frequency={candles.code} window={window} />
      ) : (
        <p className="status" role="status">
          No daily series is loaded: technicals need one (a series observed every day or business day).
        </p>
      )}
    </div>
  );
}

function Technicals({ id, frequency, window }: { id: string; frequency: CandleCode; window: DateWindow }) {
  const chartRef = useRef<HTMLDivElement>(null);
  const { data, previousData, loading, error } = useQuery(TechnicalsViewQuery, {
    variables: {
      id,
      start: window.start,
      end: window.end,
      frequency: FREQUENCY_CODES[frequency],
      maxPoints: MAX_POINTS,
    },
  });
  // The candle period of the data on screen: while weekly candles load, the monthly ones stay
  // drawn as monthly.
  const drawnFrequency = useRef(frequency);
  useEffect(() => {
    if (data) drawnFrequency.current = frequency;
  }, [data, frequency]);

  if (error) return <ErrorNotice error={error} context={`Could not load the technicals of ${id}`} />;

  // While a new window, period or indicator loads, the previous chart stays on screen (dimmed)
  // rather than the layout collapsing to a spinner.
  const shown = data ?? previousData;
  if (!shown) {
    return (
      <div className="chart-card chart-loading technicals-loading" role="status" aria-live="polite">
        Loading {id}…
      </div>
    );
  }

  const indicator = shown.indicator;
  const period = data ? frequency : drawnFrequency.current;
  const periodLabel = CANDLE_LABELS[period].toLowerCase();
  const { candles, technicals } = indicator;
  const empty = candles.dates.length === 0 && technicals.dates.length === 0;
  const updating = loading || !data;
  const unitsLabel = indicator.unitsShort || indicator.units;
  const filename = `${indicator.id}-technicals-${periodLabel}`;
  const label =
    `${CANDLE_LABELS[period]} candles of ${indicator.title} (${indicator.id}), ${indicator.units}, ` +
    `${window.start ?? "first observation"} to ${window.end ?? "latest"}, with moving averages (20, 50 and 200 ` +
    `observations) and Bollinger bands; below, the annualised volatility over 21 and 63 observations.`;

  return (
    <div className="technicals" aria-busy={updating}>
      <div className={updating ? "chart-card updating" : "chart-card"} ref={chartRef}>
        <div className="chart-heading">
          <h2>
            {indicator.title} <span className="series-id">{indicator.id}</span>
          </h2>
          <p className="chart-meta">
            {[`${CANDLE_LABELS[period]} candles`, indicator.frequency, indicator.units].filter(Boolean).join(" · ")}
            {updating ? (
              <span className="updating-label" role="status">
                {" "}
                · updating…
              </span>
            ) : null}
          </p>
        </div>
        {empty ? (
          <p className="status chart-empty technicals-empty">
            No observations of {indicator.id} {describeWindow(window)}. Widen the window.
          </p>
        ) : (
          <Chart
            data={buildTechnicalTraces(candles, technicals, period, `${indicator.id} (${periodLabel})`)}
            layout={technicalsLayout(unitsLabel)}
            height={CHART_HEIGHT}
            filename={filename}
            label={label}
          />
        )}
        {!empty && candles.dates.length === 0 ? (
          <p className="chart-footnote">
            No {periodLabel} period starts {describeWindow(window)}, so there is no candle; the lines are the daily
            technicals.
          </p>
        ) : null}
        {!empty ? (
          <p className="chart-footnote">
            Windows count observations; each line starts once its window is full. The Bollinger (20, 2) middle line
            is SMA 20, drawn once. Volatility: standard deviation of daily log returns, annualised (× √252).
            {technicals.dates.length >= MAX_POINTS
              ? ` Lines show ${formatNumber(MAX_POINTS)} evenly spaced days of the window.`
              : ""}
          </p>
        ) : null}
        <ExportBar
          csv={{
            filename: `${indicator.id}-candles-${periodLabel}.csv`,
            header: CANDLE_CSV_HEADER,
            rows: () => candleCsvRows(candles),
          }}
          chart={chartRef}
          pngFilename={`${filename}.png`}
        />
      </div>
      {!empty ? (
        <div className="technicals-tables">
          <CandlesTable indicator={indicator} periodLabel={periodLabel} />
          <LatestTechnicalsTable indicator={indicator} />
        </div>
      ) : null}
    </div>
  );
}

/** The chart's candles as numbers: the latest periods, newest first. */
function CandlesTable({ indicator, periodLabel }: { indicator: TechnicalsIndicator; periodLabel: string }) {
  const rows = latestCandles(indicator.candles, TABLE_CANDLES);
  const total = indicator.candles.dates.length;
  return (
    <section className="table-card" aria-labelledby="technicals-candles-title">
      <h2 id="technicals-candles-title">
        Latest {periodLabel} candles{indicator.unitsShort ? ` (${indicator.unitsShort})` : ""}
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No {periodLabel} candle in this window.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} aria-label={`Latest ${periodLabel} candles (scrolls sideways)`}>
          <table>
            <thead>
              <tr>
                <th scope="col">{periodLabel === "weekly" ? "Week of" : "Month"}</th>
                <th scope="col">Open</th>
                <th scope="col">High</th>
                <th scope="col">Low</th>
                <th scope="col">Close</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.date}>
                  <th scope="row">{periodLabel === "weekly" ? row.date : row.date.slice(0, 7)}</th>
                  <td>{formatNumber(row.open)}</td>
                  <td>{formatNumber(row.high)}</td>
                  <td>{formatNumber(row.low)}</td>
                  <td>{formatNumber(row.close)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > rows.length ? (
        <p className="chart-footnote">
          {rows.length} of {formatNumber(total)} candles; the CSV under the chart holds them all.
        </p>
      ) : null}
    </section>
  );
}

/** The chart's lines as numbers: each measure on the window's last day. */
function LatestTechnicalsTable({ indicator }: { indicator: TechnicalsIndicator }) {
  const latest = latestTechnicals(indicator.technicals);
  return (
    <section className="table-card" aria-labelledby="technicals-latest-title">
      <h2 id="technicals-latest-title">Technicals on {latest ? latest.date : "the last day"}</h2>
      {latest ? (
        <div className="table-scroll" tabIndex={0} aria-label="Latest technicals (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {TECHNICAL_MEASURES.map(({ key, label, volatility }) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td>{formatMeasure(latest.values[key], volatility)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No daily observation in this window.</p>
      )}
      <p className="chart-footnote">
        Values in {indicator.unitsShort || indicator.units}; volatility in percent a year.
        {latest && Object.values(latest.values).some((v) => v === null)
          ? " —: not enough observations yet for that window (20, 50 or 200 values; 21 or 63 returns)."
          : ""}
      </p>
      <ExportBar
        csv={{
          filename: `${indicator.id}-technicals.csv`,
          header: TECHNICALS_CSV_HEADER,
          rows: () => technicalsCsvRows(indicator.technicals),
        }}
      />
    </section>
  );
}

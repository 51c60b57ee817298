import { useQuery } from "@apollo/client/react";
import type { PlotMouseEvent } from "plotly.js";
import { useRef, useState } from "react";
import { lookup, spanOf, type CatalogIndicator } from "../catalog";
import { Chart } from "../components/Chart";
import { ChoiceSelect } from "../components/controls/ChoiceSelect";
import { IndicatorsPicker } from "../components/controls/IndicatorsPicker";
import { WindowControls } from "../components/controls/WindowControls";
import { ErrorNotice } from "../components/ErrorNotice";
import { ExportBar } from "../components/ExportBar";
import { UnknownIds } from "../components/UnknownIds";
import { graphql } from "../gql";
import type { CorrelationMatrixQuery as MatrixResult } from "../gql/graphql";
import {
  cellDescription,
  chooseIds,
  choosePair,
  colorOfR,
  formatR,
  heatmapTrace,
  leastSquares,
  lineEquation,
  matrixRows,
  MIN_POINTS,
  pairOfCell,
  pairOnDates,
  pairRows,
  pairsMonthly,
  pearson,
  pointLabel,
  pointNoun,
  scatterTraces,
} from "../lib/correlation";
import { formatCount, formatNumber } from "../lib/format";
import { BASIS_CODES, FREQUENCY_CODES, ID_LIMITS, type BasisCode } from "../lib/viewState";
import { anchorDate, resolveWindow, validateWindow, type DateWindow } from "../lib/window";
import type { ViewProps } from "./types";
import "./CorrelationView.css";

export const CorrelationMatrixQuery = graphql(`
  query CorrelationMatrix($ids: [ID!]!, $start: Date, $end: Date, $basis: CorrelationBasis!) {
    correlation(ids: $ids, start: $start, end: $end, basis: $basis) {
      ids
      basis
      matrix
      counts
      pairStarts
      pairEnds
      start
      end
    }
  }
`);

/**
 * The scatter's points: on the monthly basis the calendar-month averages (period starts, a month
 * inside the window when its first day is: the months Query.correlation pairs), on the daily
 * basis the observations themselves (no maxPoints: every common date is a point of r).
 */
export const CorrelationPairQuery = graphql(`
  query CorrelationPair($ids: [ID!]!, $start: Date, $end: Date, $frequency: Frequency) {
    indicators(ids: $ids) {
      id
      title
      units
      unitsShort
      frequency
      observations(start: $start, end: $end, frequency: $frequency, aggregation: AVG) {
        dates
        values
      }
    }
  }
`);

type Matrix = MatrixResult["correlation"];

const BASES = [
  ["monthly", "Monthly averages"],
  ["daily", "Daily, common dates"],
] as const satisfies readonly (readonly [BasisCode, string])[];

const BASIS_LABELS: Record<BasisCode, string> = { monthly: "monthly averages", daily: "common dates" };

const LIMITS = ID_LIMITS.correlation;

/** The scatter's value axes (the house layout's x axis is a date axis). */
const VALUE_AXIS = { type: "linear", gridcolor: "#eef0f3", zeroline: false, automargin: true } as const;

/** Rows of the heatmap: tall enough for ten labelled rows, never taller than a screen. */
function heatmapHeight(count: number): number {
  return Math.max(320, Math.min(560, 96 + 44 * count));
}

function windowText(window: DateWindow): string {
  return `${window.start ?? "the first observation"} to ${window.end ?? "the latest"}`;
}

function basisOf(result: Matrix): BasisCode {
  return result.basis === "DAILY" ? "daily" : "monthly";
}

export default function CorrelationView({ state, update, catalog }: ViewProps) {
  const { ids, listed, unknown } = chooseIds(state.ids, catalog, state.basis);
  const { found } = lookup(catalog, ids);
  // Presets count back from the latest last observation among the ids.
  const span = spanOf(found);
  const window = resolveWindow(state, anchorDate(span.lastDate));
  const problem = validateWindow(window);
  // Without a pair in the address, the first two the basis can pair (not a quarterly series on months).
  const pairable = (id: string) => state.basis === "daily" || found.some((i) => i.id === id && pairsMonthly(i));
  const pair = choosePair(state.pair, ids, pairable);
  const noMonthly = state.basis === "monthly" ? found.filter((i) => !pairsMonthly(i)) : [];

  // Writing the pair writes the ids it belongs to (the defaults too, once the user has chosen).
  const selectPair = (next: [string, string]) => update({ ids: listed, pair: next });
  const setIds = (next: string[]) => {
    const keep = state.pair && next.includes(state.pair[0]) && next.includes(state.pair[1]);
    update({ ids: next, pair: keep ? state.pair : null });
  };

  return (
    <div className="view correlation-page">
      <section className="controls" aria-label="Chart controls">
        <IndicatorsPicker
          label="Indicators"
          catalog={catalog}
          value={listed}
          onChange={setIds}
          min={LIMITS.min}
          max={LIMITS.max}
        />
        <WindowControls state={state} span={span} update={update} />
        <ChoiceSelect label="Basis" value={state.basis} options={BASES} onChange={(basis) => update({ basis })} />
      </section>
      {unknown.length > 0 ? <UnknownIds ids={unknown} /> : null}
      {noMonthly.length > 0 ? (
        <p className="notice notice-warning" role="note">
          {noMonthly.map((i) => `${i.id} (${i.frequency})`).join(", ")} {noMonthly.length === 1 ? "has" : "have"} no
          monthly averages, so {noMonthly.length === 1 ? "its" : "their"} cells stay blank on the monthly basis. Choose
          “Daily, common dates” to pair {noMonthly.length === 1 ? "it" : "them"} on the dates shared with the others.
        </p>
      ) : null}
      {ids.length < LIMITS.min ? (
        <p className="notice notice-warning" role="alert">
          A correlation needs at least two indicators
          {state.basis === "monthly" ? " observed monthly or more often" : ""}; the catalog has{" "}
          {ids.length === 0 ? "none" : "only one"}.
        </p>
      ) : problem ? (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      ) : pair ? (
        <Correlation ids={ids} pair={pair} basis={state.basis} window={window} catalog={catalog} onPair={selectPair} />
      ) : null}
    </div>
  );
}

interface CorrelationProps {
  ids: string[];
  pair: [string, string];
  basis: BasisCode;
  window: DateWindow;
  catalog: readonly CatalogIndicator[];
  onPair: (pair: [string, string]) => void;
}

function Correlation({ ids, pair, basis, window, catalog, onPair }: CorrelationProps) {
  const chartRef = useRef<HTMLDivElement>(null);
  const { data, previousData, loading, error } = useQuery(CorrelationMatrixQuery, {
    variables: { ids, start: window.start, end: window.end, basis: BASIS_CODES[basis] },
  });

  if (error) return <ErrorNotice error={error} context={`Could not load the correlation of ${ids.join(", ")}`} />;

  // While another window, basis or set of ids loads, the previous matrix stays on screen, dimmed.
  const shown = data ?? previousData;
  if (!shown) {
    return (
      <div className="correlation-grid">
        <div className="chart-card chart-loading correlation-loading" role="status" aria-live="polite">
          Loading the correlation of {ids.join(", ")}…
        </div>
        <div className="chart-card chart-loading correlation-loading" aria-hidden="true" />
      </div>
    );
  }

  const result = shown.correlation;
  const shownBasis = basisOf(result);
  const updating = loading || !data;
  const shownWindow = { start: result.start ?? null, end: result.end ?? null };
  const empty = result.ids.every((_, i) => (result.counts[i]?.[i] ?? 0) === 0);
  if (empty && !updating) {
    return (
      <p className="notice notice-warning" role="alert">
        No observations of {ids.join(", ")} from {windowText(window)}. Widen the window.
      </p>
    );
  }

  const onClick = (event: PlotMouseEvent) => {
    const point = event.points[0];
    if (!point) return;
    // A heatmap point's x and y are its column and row labels; pointIndex is [row, column].
    const index = point.pointIndex as unknown;
    const [row, column] = Array.isArray(index) ? index : [undefined, undefined];
    const next = pairOfCell(result.ids, point.y ?? row, point.x ?? column);
    if (next) onPair(next);
  };
  const label =
    `Heatmap of Pearson's r between ${result.ids.join(", ")} on ${BASIS_LABELS[shownBasis]}, ` +
    `${windowText(shownWindow)}. ` +
    "The table below lists the same numbers.";

  return (
    <div className="correlation-view" aria-busy={updating}>
      <div className="correlation-grid">
        <div className={updating ? "chart-card updating" : "chart-card"} ref={chartRef}>
          <div className="chart-heading">
            <h2>Correlation matrix</h2>
            <p className="chart-meta">
              Pearson&apos;s r of {BASIS_LABELS[shownBasis]}, {windowText(shownWindow)}
              {updating ? <span className="updating-label" role="status"> · updating…</span> : null}
            </p>
          </div>
          <Chart
            data={[heatmapTrace(result, shownBasis)]}
            layout={{
              hovermode: "closest",
              margin: { l: 8, r: 8, t: 8, b: 8 },
              xaxis: {
                type: "category",
                automargin: true,
                showgrid: false,
                tickangle: result.ids.length > 5 ? -45 : 0,
              },
              yaxis: { type: "category", autorange: "reversed", automargin: true, showgrid: false },
            }}
            height={heatmapHeight(result.ids.length)}
            filename={`correlation-${shownBasis}`}
            onClick={onClick}
            label={label}
          />
          <p className="chart-footnote">
            Click a cell (or a number in the table) for that pair&apos;s scatter. Blank: fewer than {MIN_POINTS}{" "}
            common {pointNoun(shownBasis, 2)}, or a constant series.
          </p>
          <ExportBar
            csv={{
              filename: `correlation-${shownBasis}-${result.start ?? "first"}-${result.end ?? "latest"}.csv`,
              header: ["id", ...result.ids.map((id) => `r with ${id}`)],
              rows: () => matrixRows(result),
            }}
            chart={chartRef}
            pngFilename={`correlation-${shownBasis}.png`}
          />
        </div>
        <PairScatter pair={pair} result={result} basis={shownBasis} window={shownWindow} catalog={catalog} />
      </div>
      <MatrixTable result={result} basis={shownBasis} pair={pair} onPair={onPair} />
    </div>
  );
}

interface PairScatterProps {
  pair: [string, string];
  result: Matrix;
  basis: BasisCode;
  window: DateWindow;
  catalog: readonly CatalogIndicator[];
}

function PairScatter({ pair, result, basis, window, catalog }: PairScatterProps) {
  const chartRef = useRef<HTMLDivElement>(null);
  const [a, b] = pair;
  const monthlyGap = basis === "monthly" ? lookup(catalog, pair).found.filter((i) => !pairsMonthly(i)) : [];
  // Quarterly or annual series have no monthly averages: the API would refuse MONTHLY for them.
  const { data, previousData, loading, error } = useQuery(CorrelationPairQuery, {
    variables: {
      ids: pair,
      start: window.start,
      end: window.end,
      frequency: basis === "monthly" ? FREQUENCY_CODES.m : null,
    },
    skip: monthlyGap.length > 0,
  });

  const heading = (
    <div className="chart-heading">
      <h2>
        {a} <span className="pair-versus">and</span> {b}
      </h2>
    </div>
  );

  if (monthlyGap.length > 0) {
    return (
      <div className="chart-card pair-card">
        {heading}
        <p className="notice notice-warning" role="alert">
          {monthlyGap.map((i) => `${i.id} is observed ${i.frequency.toLowerCase()}`).join("; ")}: no monthly averages to
          pair. Choose indicators observed monthly or more often, or the basis “Daily, common dates”.
        </p>
      </div>
    );
  }

  const i = result.ids.indexOf(a);
  const j = result.ids.indexOf(b);
  const shown = data ?? previousData;
  const byId = new Map((shown?.indicators ?? []).map((indicator) => [indicator.id, indicator]));
  const first = byId.get(a);
  const second = byId.get(b);

  if (i < 0 || j < 0) {
    return (
      <div className="chart-card chart-loading correlation-loading" role="status" aria-live="polite">
        Loading {a} and {b}…
      </div>
    );
  }

  // The r printed here is the API's (Query.correlation's matrix), the number the heatmap and the
  // table show; the points drawn are the same months or dates it was computed on.
  const r = result.matrix[i]?.[j] ?? null;
  const n = result.counts[i]?.[j] ?? 0;
  const start = result.pairStarts[i]?.[j] ?? null;
  const end = result.pairEnds[i]?.[j] ?? null;
  const noun = pointNoun(basis, n);

  if (n < MIN_POINTS) {
    return (
      <div className="chart-card pair-card">
        {heading}
        <p className="notice notice-warning" role="alert">
          Too few common {pointNoun(basis, 2)} in this window: {a} and {b} share {n === 0 ? "none" : n} (r needs at
          least {MIN_POINTS}). Widen the window or choose another pair.
        </p>
      </div>
    );
  }
  if (error) {
    return (
      <div className="chart-card pair-card">
        {heading}
        <ErrorNotice error={error} context={`Could not load the values of ${a} and ${b}`} />
      </div>
    );
  }
  if (!first || !second) {
    return (
      <div className="chart-card chart-loading correlation-loading" role="status" aria-live="polite">
        Loading {a} and {b}…
      </div>
    );
  }

  const points = pairOnDates(first.observations, second.observations);
  const updating = loading || !data;
  const span = start && end ? `${pointLabel(start, basis)} to ${pointLabel(end, basis)}` : "no common points";
  const axisTitle = (indicator: typeof first) => `${indicator.id} (${indicator.unitsShort || indicator.units})`;
  const label =
    `Scatter of ${a} (x) against ${b} (y), one point per common ${pointNoun(basis, 1)}: ` +
    `n = ${n}, ${span}, r = ${formatR(r)}. The summary next to it holds the numbers.`;
  // The points should give back the API's r; if not (data changed between the two requests), say so.
  const drawnR = pearson(points.x, points.y);
  const mismatch =
    !updating && (points.dates.length !== n || (r !== null && drawnR !== null && Math.abs(drawnR - r) > 1e-6));

  return (
    <div
      className={updating ? "chart-card pair-card updating" : "chart-card pair-card"}
      ref={chartRef}
      aria-busy={updating}
    >
      <div className="chart-heading">
        <h2>
          {a} <span className="pair-versus">and</span> {b}
        </h2>
        <p className="chart-meta">
          r = <strong>{formatR(r)}</strong> · n = {formatCount(n)} common {noun} · {span}
          {updating ? <span className="updating-label" role="status"> · updating…</span> : null}
        </p>
      </div>
      <Chart
        data={scatterTraces(points, { x: a, y: b }, basis, r)}
        layout={{
          hovermode: "closest",
          xaxis: { ...VALUE_AXIS, title: { text: axisTitle(first) } },
          yaxis: { ...VALUE_AXIS, title: { text: axisTitle(second) } },
        }}
        filename={`${a}-${b}-${basis}`}
        label={label}
      />
      {r === null ? (
        <p className="chart-footnote">r is undefined: one of the two is constant over these {noun}.</p>
      ) : null}
      {mismatch ? (
        <p className="chart-footnote" role="note">
          The points drawn ({points.dates.length}, r = {formatR(drawnR)}) differ from the API&apos;s pairing; the data
          may have changed in between. Reload to redraw both.
        </p>
      ) : null}
      <PairSummary points={points} names={[first, second]} basis={basis} r={r} n={n} span={span} />
      <ExportBar
        csv={{
          filename: `${a}-${b}-${basis}-${window.start ?? "first"}-${window.end ?? "latest"}.csv`,
          header: [basis === "monthly" ? "month" : "date", axisTitle(first), axisTitle(second)],
          rows: () => pairRows(points),
        }}
        chart={chartRef}
        pngFilename={`${a}-${b}-${basis}.png`}
      />
    </div>
  );
}

interface Named {
  id: string;
  title: string;
}

/** The scatter's text alternative: its numbers, and every point on request. */
function PairSummary({
  points,
  names,
  basis,
  r,
  n,
  span,
}: {
  points: ReturnType<typeof pairOnDates>;
  names: [Named, Named];
  basis: BasisCode;
  r: number | null;
  n: number;
  span: string;
}) {
  const [open, setOpen] = useState(false);
  const line = leastSquares(points.x, points.y);
  const [x, y] = names;
  return (
    <div className="pair-summary">
      <dl className="pair-facts">
        <div>
          <dt>x</dt>
          <dd title={x.title}>{x.id}</dd>
        </div>
        <div>
          <dt>y</dt>
          <dd title={y.title}>{y.id}</dd>
        </div>
        <div>
          <dt>r</dt>
          <dd>{formatR(r)}</dd>
        </div>
        <div>
          <dt>n</dt>
          <dd>{formatCount(n)}</dd>
        </div>
        <div>
          <dt>Common {pointNoun(basis, 2)}</dt>
          <dd>{span}</dd>
        </div>
        <div>
          <dt>Fitted line</dt>
          <dd>
            {lineEquation(line, x.id, y.id)}
          </dd>
        </div>
      </dl>
      <details onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>
          All {formatCount(points.dates.length)} points ({pointNoun(basis, 2)}, {x.id}, {y.id})
        </summary>
        {open ? (
          <div className="table-scroll pair-points" tabIndex={0} aria-label="Points of the scatter (scrolls)">
            <table className="selection-table">
              <thead>
                <tr>
                  <th scope="col">{basis === "monthly" ? "Month" : "Date"}</th>
                  <th scope="col" className="num">
                    {x.id}
                  </th>
                  <th scope="col" className="num">
                    {y.id}
                  </th>
                </tr>
              </thead>
              <tbody>
                {points.dates.map((date, k) => (
                  <tr key={date}>
                    <th scope="row">{pointLabel(date, basis)}</th>
                    <td className="num">{formatNumber(points.x[k])}</td>
                    <td className="num">{formatNumber(points.y[k])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </details>
    </div>
  );
}

/** The heatmap's text alternative: r per pair, n in each tooltip; each off-diagonal number opens that pair. */
function MatrixTable({
  result,
  basis,
  pair,
  onPair,
}: {
  result: Matrix;
  basis: BasisCode;
  pair: [string, string];
  onPair: (pair: [string, string]) => void;
}) {
  const ids = result.ids;
  return (
    <section className="chart-card correlation-table" aria-labelledby="correlation-table-title">
      <h2 id="correlation-table-title">Correlation matrix (r)</h2>
      <p className="chart-meta">
        Rows and columns in the order chosen; hover a number for its common {pointNoun(basis, 2)}, choose it for the
        scatter.
      </p>
      <div className="table-scroll" tabIndex={0} aria-label="Correlation matrix (scrolls sideways)">
        <table className="selection-table matrix-table">
          <thead>
            <tr>
              <td />
              {ids.map((id) => (
                <th key={id} scope="col">
                  {id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ids.map((a, i) => (
              <tr key={a}>
                <th scope="row">{a}</th>
                {ids.map((b, j) => {
                  const r = result.matrix[i]?.[j] ?? null;
                  const description = cellDescription(result, i, j, basis);
                  if (i === j) {
                    return (
                      <td key={b} className="matrix-diagonal" title={description}>
                        {formatR(r)}
                      </td>
                    );
                  }
                  const selected = pair[0] === a && pair[1] === b;
                  // The heatmap's colour, faint, so the table reads the same way at a glance.
                  const tint = colorOfR(r, 0.35);
                  return (
                    <td
                      key={b}
                      className={selected ? "matrix-selected" : undefined}
                      title={description}
                      style={tint ? { background: tint } : undefined}
                    >
                      <button
                        type="button"
                        className="matrix-cell"
                        aria-pressed={selected}
                        aria-label={`${description}. Show the scatter of ${a} and ${b}`}
                        onClick={() => onPair([a, b])}
                      >
                        {formatR(r)}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

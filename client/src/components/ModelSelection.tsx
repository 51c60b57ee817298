import { useQuery } from "@apollo/client/react";
import { graphql } from "../gql";
import type { ModelSelectionQuery as ModelSelectionData } from "../gql/graphql";
import { formatNumber, formatPercent, formatShare } from "../lib/format";
import { ErrorNotice } from "./ErrorNotice";

/** Not windowed: one request per indicator, reused from the cache when the window changes. */
export const ModelSelectionQuery = graphql(`
  query ModelSelection($id: ID!) {
    indicator(id: $id) {
      id
      forecast {
        runId
        model
        selection {
          chosen
          spec
          horizon
          windows
          cutoffs
          candidates {
            label
            spec
            selected
            rank
            mase
            smape
            coverage80
            coverage95
            note
          }
        }
      }
    }
  }
`);

type Selection = NonNullable<ModelSelectionData["indicator"]["forecast"]>["selection"];

interface Props {
  id: string;
}

/** Why the forecast uses its model: the chosen model, every candidate's backtest accuracy
 * (the chosen row highlighted) and the cutoffs the backtest was scored on. */
export function ModelSelection({ id }: Props) {
  const { data, error } = useQuery(ModelSelectionQuery, { variables: { id } });

  if (error) return <ErrorNotice error={error} context="Could not load the model selection" />;
  if (!data) {
    return (
      <section className="selection" aria-label="Model selection">
        <p className="status" role="status">
          Loading the model selection…
        </p>
      </section>
    );
  }
  const forecast = data.indicator.forecast;
  if (!forecast) return null;
  const { selection } = forecast;

  return (
    <section className="selection" aria-label="Model selection">
      <header className="selection-header">
        <h2>Model selection</h2>
        <p className="selection-summary">
          Chosen: <strong>{selection.spec}</strong>
          {selection.chosen ? <code className="label">{selection.chosen}</code> : null}
          {describeBacktest(selection)}
        </p>
      </header>
      {selection.candidates.length === 0 ? (
        <p className="status">This forecast's run recorded no candidate models.</p>
      ) : (
        <CandidateTable candidates={selection.candidates} />
      )}
      <p className="selection-cutoffs">
        {selection.cutoffs.length > 0 ? (
          <>
            Backtest cutoffs (last training date):{" "}
            {selection.cutoffs.map((cutoff) => (
              <time key={cutoff} dateTime={cutoff} className="cutoff">
                {cutoff}
              </time>
            ))}
          </>
        ) : (
          "No backtest windows were recorded."
        )}
      </p>
    </section>
  );
}

function describeBacktest({ windows, horizon }: Selection): string {
  if (windows === null || windows === 0) return "";
  const steps = horizon === null ? "" : ` of ${horizon} step${horizon === 1 ? "" : "s"}`;
  return ` — candidates ranked by mean MASE over ${windows} backtest window${windows === 1 ? "" : "s"}${steps}.`;
}

function CandidateTable({ candidates }: { candidates: Selection["candidates"] }) {
  return (
    <div className="table-scroll">
      <table className="selection-table">
        <caption className="visually-hidden">
          Candidate models by backtest rank; the chosen one is highlighted.
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Model</th>
            <th scope="col" className="num" title="Mean absolute scaled error; below 1 beats the naive forecast">
              MASE
            </th>
            <th scope="col" className="num" title="Symmetric mean absolute percentage error">
              sMAPE
            </th>
            <th scope="col" className="num" title="Share of actual values inside the 80% interval">
              80% cov.
            </th>
            <th scope="col" className="num" title="Share of actual values inside the 95% interval">
              95% cov.
            </th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.label} className={c.selected ? "chosen" : undefined} aria-current={c.selected ? "true" : undefined}>
              <td className="num">{c.rank ?? "—"}</td>
              <th scope="row">
                {c.spec ?? c.label}
                {c.spec && c.spec !== c.label ? <code className="label">{c.label}</code> : null}
                {c.selected ? <span className="badge">chosen</span> : null}
              </th>
              <td className="num">{formatNumber(c.mase)}</td>
              <td className="num">{formatPercent(c.smape)}</td>
              <td className="num">{formatShare(c.coverage80)}</td>
              <td className="num">{formatShare(c.coverage95)}</td>
              <td className="note">{c.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

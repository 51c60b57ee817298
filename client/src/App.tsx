import { useQuery } from "@apollo/client/react";
import { useEffect, useMemo, useState } from "react";
import { ErrorNotice } from "./components/ErrorNotice";
import { IndicatorView } from "./components/IndicatorView";
import { WindowControls, type WindowChoice } from "./components/WindowControls";
import { graphql } from "./gql";
import { anchorDate, presetWindow, validateWindow, type DateWindow } from "./lib/window";

export const IndicatorListQuery = graphql(`
  query IndicatorList {
    indicators {
      id
      title
      units
      frequency
      lastDate
    }
  }
`);

function initialIndicatorId(): string | null {
  return new URLSearchParams(window.location.search).get("indicator");
}

export function App() {
  const { data, loading, error } = useQuery(IndicatorListQuery);
  const [selectedId, setSelectedId] = useState<string | null>(initialIndicatorId);
  const [choice, setChoice] = useState<WindowChoice>({ kind: "preset", preset: "10Y" });
  const [showForecast, setShowForecast] = useState(true);

  const indicators = useMemo(() => data?.indicators ?? [], [data]);
  const selected = indicators.find((i) => i.id === selectedId) ?? indicators[0] ?? null;

  // Keep the choice shareable: ?indicator=DGS10 reopens the same series.
  useEffect(() => {
    if (!selected) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get("indicator") === selected.id) return;
    url.searchParams.set("indicator", selected.id);
    window.history.replaceState(null, "", url);
  }, [selected]);

  const dateWindow: DateWindow =
    choice.kind === "preset"
      ? presetWindow(choice.preset, anchorDate(selected?.lastDate))
      : { start: choice.start, end: choice.end };
  const windowProblem = validateWindow(dateWindow);

  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>fredpipe</h1>
          <p className="tagline">FRED indicators, window statistics and forecasts</p>
        </div>
      </header>

      <main>
        {loading && !data ? (
          <p className="status" role="status">
            Loading indicators…
          </p>
        ) : error ? (
          <ErrorNotice error={error} context="Could not load the list of indicators" />
        ) : indicators.length === 0 ? (
          <p className="status" role="status">
            No indicators are loaded yet. Run the pipeline to ingest FRED series.
          </p>
        ) : (
          <>
            <section className="controls" aria-label="Chart controls">
              <label className="field">
                <span className="field-label">Indicator</span>
                <select
                  value={selected?.id ?? ""}
                  onChange={(event) => setSelectedId(event.target.value)}
                  aria-label="Indicator"
                >
                  {indicators.map((indicator) => (
                    <option key={indicator.id} value={indicator.id}>
                      {indicator.id} — {indicator.title}
                    </option>
                  ))}
                </select>
              </label>
              <WindowControls choice={choice} window={dateWindow} onChange={setChoice} />
              <label className="toggle">
                <input
                  type="checkbox"
                  checked={showForecast}
                  onChange={(event) => setShowForecast(event.target.checked)}
                />
                Show forecast
              </label>
            </section>

            {windowProblem ? (
              <p className="notice notice-warning" role="alert">
                {windowProblem}
              </p>
            ) : selected ? (
              <IndicatorView id={selected.id} window={dateWindow} showForecast={showForecast} />
            ) : null}
          </>
        )}
      </main>

      <footer className="app-footer">
        Data: FRED®, Federal Reserve Bank of St. Louis, or a FRED-compatible sandbox (the demo
        serves synthetic series), via the fredpipe GraphQL API.
      </footer>
    </div>
  );
}

import { useQuery } from "@apollo/client/react";
import { lazy, Suspense, useSyncExternalStore, type ComponentType, type MouseEvent } from "react";
import { session } from "./auth/session";
import { SignInForm } from "./auth/SignInForm";
import { IndicatorListQuery } from "./catalog";
import { ErrorNotice } from "./components/ErrorNotice";
import { TrendsStrip } from "./components/TrendsStrip";
import { useViewState } from "./lib/useViewState";
import { ID_LIMITS, serializeViewState, VIEW_LABELS, VIEWS, type ViewId, type ViewState } from "./lib/viewState";
import type { ViewProps } from "./views/types";

// One chunk per view: a visitor downloads the code of the views they open.
const VIEW_MODULES: Record<ViewId, () => Promise<{ default: ComponentType<ViewProps> }>> = {
  history: () => import("./views/HistoryView"),
  compare: () => import("./views/CompareView"),
  correlation: () => import("./views/CorrelationView"),
  technicals: () => import("./views/TechnicalsView"),
};

const VIEW_COMPONENTS: Record<ViewId, ComponentType<ViewProps>> = {
  history: lazy(VIEW_MODULES.history),
  compare: lazy(VIEW_MODULES.compare),
  correlation: lazy(VIEW_MODULES.correlation),
  technicals: lazy(VIEW_MODULES.technicals),
};

/**
 * Start downloading the opening view's code and Plotly (every view draws with it) at once, in
 * parallel with the first queries, rather than one after the other as React reaches them.
 * The lazy components then find the modules already loaded.
 */
export function preloadView(view: ViewId): void {
  void VIEW_MODULES[view]();
  void import("./components/PlotlyChart");
}

/**
 * The state a tab switches to: same window and ids, as many ids as the view takes. Compare
 * opens on z-scores rather than levels, which are rarely in the same units (z-scores suit
 * every series; index = 100 explodes for a rate that was near zero in the base year).
 */
export function switchTo(state: ViewState, view: ViewId): ViewState {
  const ids = state.ids.slice(0, ID_LIMITS[view].max);
  const transform = view === "compare" && state.transform === "lin" ? "zscore" : state.transform;
  const pair = state.pair && state.pair.every((id) => ids.includes(id)) ? state.pair : null;
  return { ...state, view, ids, transform, pair };
}

function ViewTabs({ state, go }: { state: ViewState; go: (next: ViewState) => void }) {
  return (
    <nav className="view-tabs" aria-label="Views">
      {VIEWS.map((view) => {
        const next = switchTo(state, view);
        const current = view === state.view;
        const follow = (event: MouseEvent<HTMLAnchorElement>) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          go(next);
        };
        return (
          <a key={view} href={serializeViewState(next)} aria-current={current ? "page" : undefined} onClick={follow}>
            {VIEW_LABELS[view]}
          </a>
        );
      })}
    </nav>
  );
}

function Dashboard() {
  const { state, problems, update } = useViewState();
  const { data, loading, error } = useQuery(IndicatorListQuery);
  const catalog = data?.indicators ?? [];
  const View = VIEW_COMPONENTS[state.view];

  return (
    <>
      <ViewTabs state={state} go={(next) => update(next)} />
      <TrendsStrip catalog={catalog} />
      {problems.length > 0 ? (
        <div className="notice notice-warning" role="alert">
          <p className="notice-title">Part of this address was not understood</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <main>
        {loading && !data ? (
          <p className="status view-placeholder" role="status">
            Loading indicators…
          </p>
        ) : error ? (
          <ErrorNotice error={error} context="Could not load the list of indicators" />
        ) : catalog.length === 0 ? (
          <p className="status" role="status">
            No indicators are loaded yet. Run the pipeline to ingest FRED series.
          </p>
        ) : (
          <Suspense
            fallback={
              <p className="status view-placeholder" role="status">
                Loading the {VIEW_LABELS[state.view].toLowerCase()} view…
              </p>
            }
          >
            <View state={state} update={update} catalog={catalog} />
          </Suspense>
        )}
      </main>
    </>
  );
}

function Account() {
  const auth = useSyncExternalStore(session.subscribe, session.getSnapshot);
  if (auth.status !== "signed-in") return null;
  return (
    <div className="account">
      <span>
        Signed in as <strong>{auth.username}</strong>
      </span>
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </div>
  );
}

export function App() {
  const auth = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>fredpipe</h1>
          <p className="tagline">FRED indicators: history, comparisons, correlations, technicals and forecasts</p>
        </div>
        <Account />
      </header>

      {/* Keyed on who is signed in (not on token refreshes): signing in remounts the dashboard,
          so every query runs anew under the new identity. */}
      {auth.status === "required" ? (
        <SignInForm reason={auth.reason} />
      ) : (
        <Dashboard key={`${auth.status}:${auth.username ?? ""}`} />
      )}

      <footer className="app-footer">
        Data: FRED®, Federal Reserve Bank of St. Louis, or a FRED-compatible sandbox (the demo serves synthetic
        series), via the fredpipe GraphQL API.
      </footer>
    </div>
  );
}

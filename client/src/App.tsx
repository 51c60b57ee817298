import { useQuery } from "@apollo/client/react";
import { useEffect, useSyncExternalStore, type ComponentType, type MouseEvent } from "react";
import { session } from "./auth/session";
import { SignInForm } from "./auth/SignInForm";
import { IndicatorListQuery } from "./catalog";
import { PLOTLY_CHART } from "./components/Chart";
import { ErrorNotice } from "./components/ErrorNotice";
import { TrendsStrip } from "./components/TrendsStrip";
import { moduleSlot, useModule, type ModuleSlot } from "./lib/modules";
import { useViewState } from "./lib/useViewState";
import { ID_LIMITS, parseViewState, serializeViewState, VIEW_LABELS, VIEWS, type ViewId, type ViewState } from "./lib/viewState";
import type { ViewProps } from "./views/types";

type ViewComponent = ComponentType<ViewProps>;
const viewOf = (load: () => Promise<{ default: ViewComponent }>) => moduleSlot(() => load().then((m) => m.default));

// One chunk per view: a visitor downloads the code of the views they open.
const VIEW_SLOTS: Record<ViewId, ModuleSlot<ViewComponent>> = {
  history: viewOf(() => import("./views/HistoryView")),
  compare: viewOf(() => import("./views/CompareView")),
  correlation: viewOf(() => import("./views/CorrelationView")),
  technicals: viewOf(() => import("./views/TechnicalsView")),
};

/**
 * Start downloading the opening view's code and Plotly (every view draws with it) while the
 * first queries run, rather than one after the other as React reaches them. Called from an
 * effect, after the dashboard's queries went out: a browser opens six connections to a host,
 * and the large Plotly chunk must not hold the one the indicator list waits for.
 */
export function preloadView(view: ViewId): void {
  void VIEW_SLOTS[view].load().catch(() => undefined);
  void PLOTLY_CHART.load().catch(() => undefined);
}

/** The view's component once its code is here; a placeholder of the same height until then. */
function ViewHost({ view, ...props }: ViewProps & { view: ViewId }) {
  const { value: View, error } = useModule(VIEW_SLOTS[view]);
  if (error) return <ErrorNotice error={error} context={`Could not load the ${VIEW_LABELS[view].toLowerCase()} view`} />;
  if (!View) {
    return (
      <p className="status view-placeholder" role="status">
        Loading the {VIEW_LABELS[view].toLowerCase()} view…
      </p>
    );
  }
  return <View {...props} />;
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
          <ViewHost view={state.view} state={state} update={update} catalog={catalog} />
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
  useEffect(() => preloadView(parseViewState(window.location.search).state.view), []);
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

import type { CatalogIndicator } from "../catalog";
import type { ViewStateHandle } from "../lib/useViewState";
import type { ViewState } from "../lib/viewState";

/** What the shell hands every view: its URL state, a way to change it, and the catalog. */
export interface ViewProps {
  state: ViewState;
  update: ViewStateHandle["update"];
  /** Every indicator the API serves (never empty: the shell says so instead). */
  catalog: readonly CatalogIndicator[];
}

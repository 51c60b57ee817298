/**
 * The view state lives in the URL (lib/viewState.ts) and nowhere else: reading it subscribes
 * to history navigation, writing it pushes a history entry (so Back returns to the previous
 * view) or replaces the current one (for edits that should not pile up, such as typing a date).
 */
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { parseViewState, serializeViewState, type ParsedView, type ViewState } from "./viewState";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const currentSearch = () => window.location.search;

export interface ViewStateHandle extends ParsedView {
  /** Merge `patch` into the state and write it to the URL. */
  update: (patch: Partial<ViewState>, options?: { replace?: boolean }) => void;
}

export function navigate(state: ViewState, options: { replace?: boolean } = {}): void {
  const url = `${window.location.pathname}${serializeViewState(state)}${window.location.hash}`;
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  for (const listener of listeners) listener();
}

export function useViewState(): ViewStateHandle {
  const search = useSyncExternalStore(subscribe, currentSearch, currentSearch);
  const parsed = useMemo(() => parseViewState(search), [search]);
  const update = useCallback(
    (patch: Partial<ViewState>, options: { replace?: boolean } = {}) =>
      navigate({ ...parseViewState(window.location.search).state, ...patch }, options),
    [],
  );
  return { ...parsed, update };
}

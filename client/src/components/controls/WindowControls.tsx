import type { Span } from "../../catalog";
import { anchorDate, PRESETS, resolveWindow } from "../../lib/window";
import type { ViewStateHandle } from "../../lib/useViewState";
import type { ViewState } from "../../lib/viewState";

interface Props {
  state: ViewState;
  /** The shown indicators' dates (catalog.spanOf): presets count back from the last one. */
  span: Span;
  update: ViewStateHandle["update"];
}

/**
 * Presets (counted back from the last observation) and explicit dates. Under a preset the
 * date fields show the dates it resolves to ("Max": the first and the last observation), so
 * they never read an empty mm/dd/yyyy; typing a date switches to an explicit window.
 */
export function WindowControls({ state, span, update }: Props) {
  const anchor = anchorDate(span.lastDate);
  const window = resolveWindow(state, anchor);
  const preset = state.start === null && state.end === null;
  const setDate = (side: "start" | "end", value: string) => {
    const explicit = { start: state.start, end: state.end };
    if (preset) explicit.start = window.start;
    explicit[side] = value === "" ? null : value;
    update({ ...explicit, ...(explicit.start === null && explicit.end === null ? { preset: "MAX" } : {}) }, { replace: true });
  };

  return (
    <div className="window-controls">
      <div className="field">
        <span className="field-label" id="window-presets-label">
          Window
        </span>
        <div className="segmented" role="group" aria-labelledby="window-presets-label">
          {PRESETS.map((p) => {
            const active = preset && state.preset === p.id;
            return (
              <button
                key={p.id}
                type="button"
                className={active ? "active" : undefined}
                aria-pressed={active}
                onClick={() => update({ preset: p.id, start: null, end: null })}
              >
                {p.label}
              </button>
            );
          })}
        </div>
      </div>
      <label className="field">
        <span className="field-label">From</span>
        <input
          type="date"
          value={window.start ?? (preset ? (span.firstDate ?? "") : "")}
          onChange={(event) => setDate("start", event.target.value)}
          aria-label="Start date"
        />
      </label>
      <label className="field">
        <span className="field-label">To</span>
        <input
          type="date"
          value={window.end ?? (preset ? anchor : "")}
          onChange={(event) => setDate("end", event.target.value)}
          aria-label="End date"
        />
      </label>
    </div>
  );
}

import { PRESETS, type DateWindow, type PresetId } from "../lib/window";

export type WindowChoice =
  | { kind: "preset"; preset: PresetId }
  | { kind: "custom"; start: string | null; end: string | null };

interface Props {
  choice: WindowChoice;
  /** The resolved window, shown in the date inputs so presets are visible as dates. */
  window: DateWindow;
  onChange: (choice: WindowChoice) => void;
}

export function WindowControls({ choice, window, onChange }: Props) {
  const setDate = (side: "start" | "end", value: string) => {
    const next = { start: window.start, end: window.end, [side]: value === "" ? null : value };
    onChange({ kind: "custom", start: next.start, end: next.end });
  };

  return (
    <div className="window-controls">
      <div className="field">
        <span className="field-label" id="window-presets-label">
          Window
        </span>
        <div className="segmented" role="group" aria-labelledby="window-presets-label">
          {PRESETS.map((preset) => {
            const active = choice.kind === "preset" && choice.preset === preset.id;
            return (
              <button
                key={preset.id}
                type="button"
                className={active ? "active" : undefined}
                aria-pressed={active}
                onClick={() => onChange({ kind: "preset", preset: preset.id })}
              >
                {preset.label}
              </button>
            );
          })}
        </div>
      </div>
      <label className="field">
        <span className="field-label">From</span>
        <input
          type="date"
          value={window.start ?? ""}
          onChange={(event) => setDate("start", event.target.value)}
          aria-label="Start date"
        />
      </label>
      <label className="field">
        <span className="field-label">To</span>
        <input
          type="date"
          value={window.end ?? ""}
          onChange={(event) => setDate("end", event.target.value)}
          aria-label="End date"
        />
      </label>
    </div>
  );
}

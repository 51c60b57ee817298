import type { CatalogIndicator } from "../../catalog";

interface Props {
  label: string;
  catalog: readonly CatalogIndicator[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  min: number;
  max: number;
}

/** Several indicators: chips that can be removed, and a list to add one more. */
export function IndicatorsPicker({ label, catalog, value, onChange, min, max }: Props) {
  const remaining = catalog.filter((i) => !value.includes(i.id));
  const full = value.length >= max;
  return (
    <fieldset className="field field-wide indicators-picker">
      <legend className="field-label">{label}</legend>
      <ul className="chips">
        {value.map((id) => (
          <li key={id} className={catalog.some((i) => i.id === id) ? "chip" : "chip chip-unknown"}>
            <span>{id}</span>
            <button
              type="button"
              aria-label={`Remove ${id}`}
              disabled={value.length <= min}
              onClick={() => onChange(value.filter((v) => v !== id))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <select
        aria-label={`Add an indicator to ${label.toLowerCase()}`}
        value=""
        disabled={full || remaining.length === 0}
        onChange={(event) => {
          if (event.target.value) onChange([...value, event.target.value]);
        }}
      >
        <option value="">{full ? `At most ${max}` : "Add…"}</option>
        {remaining.map((indicator) => (
          <option key={indicator.id} value={indicator.id}>
            {indicator.id} — {indicator.title}
          </option>
        ))}
      </select>
    </fieldset>
  );
}

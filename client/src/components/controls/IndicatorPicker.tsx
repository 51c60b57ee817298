import type { CatalogIndicator } from "../../catalog";

interface Props {
  label: string;
  catalog: readonly CatalogIndicator[];
  /** May name an id outside the catalog (an unknown id in the URL): it is listed as such. */
  value: string | null;
  onChange: (id: string) => void;
  /** Only these are offered (technicals: daily series). */
  filter?: (indicator: CatalogIndicator) => boolean;
}

/** One indicator out of the catalog. */
export function IndicatorPicker({ label, catalog, value, onChange, filter }: Props) {
  const offered = filter ? catalog.filter(filter) : catalog;
  const known = value !== null && offered.some((i) => i.id === value);
  return (
    <label className="field field-wide">
      <span className="field-label">{label}</span>
      <select value={value ?? ""} onChange={(event) => onChange(event.target.value)} aria-label={label}>
        {!known ? (
          <option value={value ?? ""} disabled>
            {value ? `${value} (not available)` : "Choose an indicator"}
          </option>
        ) : null}
        {offered.map((indicator) => (
          <option key={indicator.id} value={indicator.id}>
            {indicator.id} — {indicator.title}
          </option>
        ))}
      </select>
    </label>
  );
}

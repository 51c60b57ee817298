/** Number display for the stats panel: enough digits to compare, never a wall of them. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    abs >= 1000
      ? { maximumFractionDigits: 1 }
      : abs >= 1 || abs === 0
        ? { maximumFractionDigits: 3 }
        : { maximumSignificantDigits: 3 };
  return new Intl.NumberFormat("en-US", options).format(value);
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}

/** A share in [0, 1] (interval coverage) as a whole percentage: 0.8 → "80%". */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 }).format(value);
}

/** A value already in percent (sMAPE) with one decimal: 12.345 → "12.3%". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(value)}%`;
}

/**
 * A change with its sign: +0.25, −1.2 (a true minus sign), "—" when undefined. With a "%"
 * suffix, two decimals at most (+2.62%).
 */
export function formatSigned(value: number | null | undefined, suffix = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const text =
    suffix === "%" ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(abs) : formatNumber(abs);
  const sign = value > 0 ? "+" : value < 0 ? "−" : "";
  return `${sign}${text}${suffix}`;
}

/**
 * The CSS class of a change (styles.css: `up` green, `down` red; none for zero or undefined),
 * after `base` classes when given: toneOf(-1, "num") is "num down".
 */
export function toneOf(value: number | null | undefined, base = ""): string | undefined {
  const tone = value === null || value === undefined || value === 0 ? "" : value > 0 ? "up" : "down";
  return [base, tone].filter(Boolean).join(" ") || undefined;
}

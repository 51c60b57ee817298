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

{#
  Pearson's correlation coefficient from centred sums, as an expression over aggregates.

  Callers centre first: sxy = Σ(x − x̄)(y − ȳ), sxx = Σ(x − x̄)², syy = Σ(y − ȳ)² with x̄, ȳ the
  means over the very points aggregated, either in two passes (the means in a previous CTE or
  window) or in one from sums shifted by a point (a, b) of the aggregated set: with dx = x − a,
  dy = y − b, sxy = Σdx·dy − Σdx·Σdy / n (mart_correlations; a point of the set bounds the
  cancellation by n).
  The raw-sums form (n·Σxy − Σx·Σy) / √(…) cancels catastrophically when a series' mean is large
  against its spread (SP500, NASDAQCOM over one year; a policy rate that barely moves), and
  MySQL/MariaDB have no corr() aggregate to fall back on; the centred form agrees with numpy's
  np.corrcoef (which centres the same way) to ~1e-14 in two passes, ~1e-13 in one shifted pass.

  NULL when n < 3 or either variance is 0 or NULL. A caller that cannot rely on the centred sum
  being exactly 0 for a constant series (x̄ = Σx / n need not equal x bit for bit) passes NULL
  for sxx/syy when min = max. The quotient is clamped to [-1, 1] as np.corrcoef clamps it: by
  Cauchy–Schwarz it cannot leave that range in exact arithmetic, but rounding can push a
  perfectly (anti-)correlated pair an ulp past ±1.

  One formula serves every adapter (DuckDB's corr() would be a different, one-pass algorithm:
  keeping one formula keeps both backends bit-for-bit comparable); the dispatch point is where
  an adapter that needs other spelling plugs in.
#}
{% macro pearson_from_centred_sums(n, sxy, sxx, syy) -%}
    {{ return(adapter.dispatch('pearson_from_centred_sums', 'fredpipe')(n, sxy, sxx, syy)) }}
{%- endmacro %}

{% macro default__pearson_from_centred_sums(n, sxy, sxx, syy) -%}
    case
        when {{ n }} >= 3 and {{ sxx }} > 0 and {{ syy }} > 0
            then greatest(
                {{ cast_double('-1') }},
                least({{ cast_double('1') }}, {{ sxy }} / sqrt({{ sxx }}) / sqrt({{ syy }}))
            )
    end
{%- endmacro %}

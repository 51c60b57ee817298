{#
  FRED's n_obs_per_yr: how many observations a year holds at a series' native frequency, the
  exponent of the annualised units (pca, cca). `frequency` is FRED's long text ("Daily, 7-Day"
  for calendar-day series, "Daily" or "Daily, Close" for business days), `frequency_short` its
  code (D, W, BW, M, Q, SA, A). NULL for anything else ("NA"), so annualised values are NULL
  rather than wrong.

  Usage: {{ obs_per_year('series.frequency', 'series.frequency_short') }} -> integer or NULL.
  Dispatched so an adapter that spells string matching differently can plug in; the default
  is portable SQL (DuckDB, MySQL, MariaDB).
#}
{% macro obs_per_year(frequency, frequency_short) -%}
    {{ return(adapter.dispatch('obs_per_year', 'fredpipe')(frequency, frequency_short)) }}
{%- endmacro %}

{% macro default__obs_per_year(frequency, frequency_short) -%}
    case
        when {{ frequency_short }} = 'D' and {{ frequency }} like 'Daily, 7-Day%' then 365
        when {{ frequency_short }} = 'D' then 260
        when {{ frequency_short }} = 'W' then 52
        when {{ frequency_short }} = 'BW' then 26
        when {{ frequency_short }} = 'M' then 12
        when {{ frequency_short }} = 'Q' then 4
        when {{ frequency_short }} = 'SA' then 2
        when {{ frequency_short }} = 'A' then 1
    end
{%- endmacro %}

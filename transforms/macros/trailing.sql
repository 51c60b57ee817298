{# `fn(expr)` over the trailing `n` rows of the series (this row included), ordered by date: a
   ROWS frame, so it counts observations, not calendar days. Aggregates ignore NULLs; pair with
   `trailing('count', expr, n) = n` when the statistic needs n defined values. #}
{% macro trailing(fn, expr, n) -%}
    {{ fn }}({{ expr }}) over (
            partition by series_id order by obs_date
            rows between {{ n - 1 }} preceding and current row
        )
{%- endmacro %}

{#
  Date arithmetic that DuckDB and MySQL/MariaDB spell differently. Every model that truncates a
  date to a period or shifts it by days/months calls these, never the adapter's own syntax.
  `mariadb__` variants delegate to `mysql__` ones (see casts.sql for why they must exist).
#}

{# The first day of the period holding `expr`: grain is 'week' (ISO week, Monday), 'month',
   'quarter' or 'year'. Returns a date. #}
{% macro period_start(grain, expr) -%}
    {% if grain not in ('week', 'month', 'quarter', 'year') %}
        {{ exceptions.raise_compiler_error("period_start: unknown grain '" ~ grain ~ "'") }}
    {% endif %}
    {{ return(adapter.dispatch('period_start', 'fredpipe')(grain, expr)) }}
{%- endmacro %}

{% macro default__period_start(grain, expr) -%}
    cast(date_trunc('{{ grain }}', {{ expr }}) as date)
{%- endmacro %}

{% macro mysql__period_start(grain, expr) -%}
    {%- if grain == 'week' -%}
        date_sub({{ expr }}, interval weekday({{ expr }}) day)
    {%- elif grain == 'month' -%}
        date_sub({{ expr }}, interval dayofmonth({{ expr }}) - 1 day)
    {%- elif grain == 'quarter' -%}
        date_add(makedate(year({{ expr }}), 1), interval quarter({{ expr }}) - 1 quarter)
    {%- else -%}
        makedate(year({{ expr }}), 1)
    {%- endif -%}
{%- endmacro %}

{% macro mariadb__period_start(grain, expr) -%}
    {{ return(mysql__period_start(grain, expr)) }}
{%- endmacro %}


{# `expr` plus `n` days (n may be negative or a column). Returns a date. #}
{% macro add_days(expr, n) -%}
    {{ return(adapter.dispatch('add_days', 'fredpipe')(expr, n)) }}
{%- endmacro %}

{% macro default__add_days(expr, n) -%}
    cast({{ expr }} + to_days(cast({{ n }} as integer)) as date)
{%- endmacro %}

{% macro mysql__add_days(expr, n) -%}
    date_add({{ expr }}, interval ({{ n }}) day)
{%- endmacro %}

{% macro mariadb__add_days(expr, n) -%}
    {{ return(mysql__add_days(expr, n)) }}
{%- endmacro %}


{# `expr` plus `n` calendar months (n may be negative or a column); the day is clamped to the
   month's end (2024-03-31 - 1 month = 2024-02-29) on both adapters. Returns a date. #}
{% macro add_months(expr, n) -%}
    {{ return(adapter.dispatch('add_months', 'fredpipe')(expr, n)) }}
{%- endmacro %}

{% macro default__add_months(expr, n) -%}
    cast({{ expr }} + to_months(cast({{ n }} as integer)) as date)
{%- endmacro %}

{% macro mysql__add_months(expr, n) -%}
    date_add({{ expr }}, interval ({{ n }}) month)
{%- endmacro %}

{% macro mariadb__add_months(expr, n) -%}
    {{ return(mysql__add_months(expr, n)) }}
{%- endmacro %}


{# Whole days from `start` to `end` (end - start). Returns an integer. #}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between', 'fredpipe')(start, end)) }}
{%- endmacro %}

{% macro default__days_between(start, end) -%}
    datediff('day', {{ start }}, {{ end }})
{%- endmacro %}

{% macro mysql__days_between(start, end) -%}
    datediff({{ end }}, {{ start }})
{%- endmacro %}

{% macro mariadb__days_between(start, end) -%}
    {{ return(mysql__days_between(start, end)) }}
{%- endmacro %}

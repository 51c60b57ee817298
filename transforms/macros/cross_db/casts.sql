{#
  Type casts that differ between DuckDB and MySQL/MariaDB. Models call these instead of writing
  `cast(... as ...)` so one model compiles on every adapter.

  dbt-mysql registers MariaDB as an adapter of its own (`type: mariadb`) without declaring MySQL
  as its parent, so dispatch would skip the `mysql__` variants; each `mariadb__` variant below
  delegates to its `mysql__` sibling explicitly.
#}

{# Doubles everywhere: MySQL's `float` is single precision and `decimal` truncates. #}
{% macro cast_double(expr) -%}
    {{ return(adapter.dispatch('cast_double', 'fredpipe')(expr)) }}
{%- endmacro %}

{% macro default__cast_double(expr) -%}
    cast({{ expr }} as double)
{%- endmacro %}

{# MySQL ≥ 8.0.17 and MariaDB ≥ 10.4 accept `as double`; `+ 0e0` would also force DOUBLE. #}
{% macro mysql__cast_double(expr) -%}
    cast({{ expr }} as double)
{%- endmacro %}

{% macro mariadb__cast_double(expr) -%}
    {{ return(mysql__cast_double(expr)) }}
{%- endmacro %}


{% macro cast_date(expr) -%}
    {{ return(adapter.dispatch('cast_date', 'fredpipe')(expr)) }}
{%- endmacro %}

{% macro default__cast_date(expr) -%}
    cast({{ expr }} as date)
{%- endmacro %}


{# A point in time without zone: DuckDB `timestamp`, MySQL `datetime` (its `timestamp` is zoned). #}
{% macro cast_timestamp(expr) -%}
    {{ return(adapter.dispatch('cast_timestamp', 'fredpipe')(expr)) }}
{%- endmacro %}

{% macro default__cast_timestamp(expr) -%}
    cast({{ expr }} as timestamp)
{%- endmacro %}

{% macro mysql__cast_timestamp(expr) -%}
    cast({{ expr }} as datetime)
{%- endmacro %}

{% macro mariadb__cast_timestamp(expr) -%}
    {{ return(mysql__cast_timestamp(expr)) }}
{%- endmacro %}


{# Strings: MySQL casts only to `char(n)`; an unbounded `char` would become LONGTEXT in a table. #}
{% macro cast_string(expr, length) -%}
    {{ return(adapter.dispatch('cast_string', 'fredpipe')(expr, length)) }}
{%- endmacro %}

{% macro default__cast_string(expr, length) -%}
    cast({{ expr }} as varchar)
{%- endmacro %}

{% macro mysql__cast_string(expr, length) -%}
    cast({{ expr }} as char({{ length }}))
{%- endmacro %}

{% macro mariadb__cast_string(expr, length) -%}
    {{ return(mysql__cast_string(expr, length)) }}
{%- endmacro %}

{#
  Sample (n - 1) variance and standard deviation as aggregates.

  Both are NULL below two observations on every adapter, so a one-point series reads the same
  from DuckDB and MySQL, and the API can pass the NULL through as "undefined".
  DuckDB spells them var_samp/stddev_samp; MySQL and MariaDB accept the same names, and the
  dispatch point is where an adapter that does not (or computes them less accurately) plugs in.
#}

{% macro sample_variance(expr) -%}
    {{ return(adapter.dispatch('sample_variance', 'fredpipe')(expr)) }}
{%- endmacro %}

{% macro default__sample_variance(expr) -%}
    case when count({{ expr }}) > 1 then {{ cast_double('var_samp(' ~ expr ~ ')') }} end
{%- endmacro %}


{% macro sample_stddev(expr) -%}
    {{ return(adapter.dispatch('sample_stddev', 'fredpipe')(expr)) }}
{%- endmacro %}

{% macro default__sample_stddev(expr) -%}
    case when count({{ expr }}) > 1 then {{ cast_double('stddev_samp(' ~ expr ~ ')') }} end
{%- endmacro %}

{#
  Generic test: no two rows of the model share the same values in `columns` (a composite
  primary key). Written for this project because dbt 1.7 core has no composite-key test and the
  build machines have no dbt hub access. Rows with a NULL key column are not compared; pair the
  key columns with not_null.

  DuckDB returns one row per duplicated key. MySQL/MariaDB group a multi-column key through an
  on-disk temporary table (seconds on a few hundred thousand rows), so there the test compares
  row and distinct-key counts instead and returns a single summary row when they differ.
#}
{% test unique_combination(model, columns) %}
    {{ return(adapter.dispatch('test_unique_combination', 'fredpipe')(model, columns)) }}
{% endtest %}

{% macro default__test_unique_combination(model, columns) %}

{%- set key = columns | join(', ') %}

with

keyed as (
    select {{ key }}, count(*) as n_rows
    from {{ model }}
    where {% for column in columns %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
    group by {{ key }}
),

final as (
    select * from keyed where n_rows > 1
)

select * from final

{% endmacro %}

{% macro mysql__test_unique_combination(model, columns) %}

with

counted as (
    select
        count(*) as n_rows,
        count(distinct {{ columns | join(', ') }}) as n_keys
    from {{ model }}
    where {% for column in columns %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

final as (
    select n_rows, n_keys, n_rows - n_keys as n_duplicate_rows
    from counted
    where n_rows <> n_keys
)

select * from final

{% endmacro %}

{% macro mariadb__test_unique_combination(model, columns) %}
    {{ return(mysql__test_unique_combination(model, columns)) }}
{% endmacro %}

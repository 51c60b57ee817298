{#
  Every relation lives in the target schema itself (DuckDB `main`, the MySQL database from the
  URL): the API and forecasting read the marts beside the raw tables. dbt's default would build
  `<target>_<custom>` schemas (a new database on MySQL) whenever a custom schema is configured,
  including `dbt_test__audit` for stored test failures; this override ignores custom schemas.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ target.schema }}
{%- endmacro %}

{#
  Post-hook for a mart table: declare its grain as the primary key where that pays.

  On MySQL/MariaDB the API reads mart_observations by series and date range, and without an
  index every such read (and every uniqueness test) scans the table; the key also enforces the
  grain at write time. DuckDB needs no index for that (zone maps over its column segments), so
  the hook is empty there and dbt skips it.

  Usage: {{ config(post_hook="{{ primary_key(['series_id', 'obs_date']) }}") }}
#}
{% macro primary_key(columns) -%}
    {{ return(adapter.dispatch('primary_key', 'fredpipe')(columns)) }}
{%- endmacro %}

{% macro default__primary_key(columns) -%}
{%- endmacro %}

{% macro mysql__primary_key(columns) -%}
    alter table {{ this }} add primary key ({{ columns | join(', ') }})
{%- endmacro %}

{% macro mariadb__primary_key(columns) -%}
    {{ return(mysql__primary_key(columns)) }}
{%- endmacro %}

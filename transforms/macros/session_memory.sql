{#
  Session memory for window functions on MySQL/MariaDB, applied to every model by a project-wide
  pre-hook (dbt_project.yml).
#}

{#
  Pre-hook of every model (dbt_project.yml) for the window functions that sort and frame every
  row: MariaDB evaluates them over an internal temporary table; past `tmp_table_size` (16 MB by
  default) it moves that table to disk (Aria), and framed aggregates then read it row by row:
  mart_daily_technicals took ~35 s on the real series instead of ~2 s in memory (≈400 bytes ×
  157k rows needs ≥ 64 MB); mart_observation_transforms 3.4 s instead of 0.7 s. The hook raises
  both limits for dbt's own session only (the session ends with the dbt run); memory is taken
  as a table grows, and a larger table still spills (slower, correct). DuckDB needs none: empty.
#}
{% macro window_memory_pre_hook(megabytes=256) -%}
    {{ return(adapter.dispatch('window_memory_pre_hook', 'fredpipe')(megabytes)) }}
{%- endmacro %}

{% macro default__window_memory_pre_hook(megabytes) -%}
{%- endmacro %}

{% macro mysql__window_memory_pre_hook(megabytes) -%}
    {%- set size = megabytes * 1024 * 1024 -%}
    set session tmp_table_size = {{ size }}, session max_heap_table_size = {{ size }}
{%- endmacro %}

{% macro mariadb__window_memory_pre_hook(megabytes) -%}
    {{ return(mysql__window_memory_pre_hook(megabytes)) }}
{%- endmacro %}

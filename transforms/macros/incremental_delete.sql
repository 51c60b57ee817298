{#
  MariaDB/MySQL delete step of the delete+insert incremental strategy, replacing the adapter's
  `delete from target where key in (select key from tmp)`.

  MariaDB before 11.1 cannot turn an IN subquery of a single-table DELETE into a semi-join, so
  the adapter's form scans the (unindexed) temporary table once per row of the target: on
  mart_observations after one new day, 128k target rows times the ~60k rows of the changed
  series ran for minutes. A multi-table DELETE joined to the distinct keys lets the optimizer
  build the key list once and probe the target's primary key with it.

  The target is named in full in the delete list: an alias there is resolved against the
  connection's default database, and dbt connects without one ("No database selected").

  Called by dbt-mysql's MariaDB/MySQL incremental materialization by this unqualified name;
  a macro of the root project wins over the adapter's own. DuckDB uses dbt's default strategy
  and never calls it.
#}
{% macro incremental_delete(tmp_relation, target_relation, unique_key=none, statement_name="pre_main") %}
    {%- if unique_key is not none and unique_key | length -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    delete {{ target_relation }}
    from {{ target_relation }}
    inner join (
        select distinct {{ keys | join(', ') }}
        from {{ tmp_relation }}
    ) as changed_keys
        on {% for key in keys -%}
            {{ target_relation }}.{{ key }} = changed_keys.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

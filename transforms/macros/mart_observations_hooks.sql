{#
  Pre-hook of the incremental mart_observations: delete the series that no longer have any
  value (every observation revised to missing, or filled away to nothing).

  delete+insert replaces a series only when the new build inserts rows for it, so a series
  left empty would otherwise keep its old rows. The two series lists are read first and the
  difference is deleted by literal ids: a `not in (select ... from <view>)` subquery makes
  MariaDB re-evaluate the windowed staging view once per row of the mart (minutes, not ms).

  `observed` is a relation with columns series_id and value (NULL = missing). Renders nothing
  when there is nothing to delete, and nothing at parse time.
#}
{% macro delete_series_without_values(target, observed) -%}
    {%- if execute -%}
        {%- set in_target = run_query('select distinct series_id from ' ~ target) -%}
        {%- set with_values = run_query(
            'select distinct series_id from ' ~ observed ~ ' where value is not null') -%}
        {%- set keep = with_values.columns[0].values() | list -%}
        {%- set gone = [] -%}
        {%- for series_id in in_target.columns[0].values() if series_id not in keep -%}
            {%- do gone.append("'" ~ (series_id | replace("'", "''")) ~ "'") -%}
        {%- endfor -%}
        {%- if gone -%}
            delete from {{ target }} where series_id in ({{ gone | sort | join(', ') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

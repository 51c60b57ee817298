{#
  The per-series missing-value policies as a relation, from the `fill_policies` var.

  The pipeline's dbt stage passes the catalog's policies (ingest/catalog.toml keys `fill` and
  `max_gap`) as `--vars '{"fill_policies": {"DGS10": {"method": "ffill", "max_gap": 5}}}'`;
  dbt_project.yml defaults the var to `{}` (no filling anywhere). Series without an entry, and
  entries with method "none", are left unfilled.

  Renders a parenthesised relation with one row per policy:
      series_id (string), fill_method ('ffill' | 'linear' | 'none'), max_gap (integer >= 1)
  and, with no policies, an empty relation with the same columns (typed through the same casts,
  so MySQL/MariaDB derive the same column types either way).

  The var may also be typed by hand on the command line, so it is validated here: a bad
  series id (which would otherwise reach the SQL text), method or max_gap is a compile error.

  Usage: `from {{ fill_policies() }} as policies`
#}
{% macro fill_policies() -%}
    {%- set policies = var('fill_policies', {}) or {} -%}
    {%- if policies is not mapping -%}
        {{ exceptions.raise_compiler_error("var fill_policies must be a mapping of series id to {method, max_gap}, got " ~ policies) }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for series_id in policies | sort -%}
        {%- set policy = policies[series_id] -%}
        {%- if not modules.re.match('^[A-Z0-9_]{1,64}$', series_id | string) -%}
            {{ exceptions.raise_compiler_error("fill_policies: bad series id '" ~ series_id ~ "'") }}
        {%- endif -%}
        {%- if policy is not mapping -%}
            {{ exceptions.raise_compiler_error("fill_policies." ~ series_id ~ " must be a mapping {method, max_gap}") }}
        {%- endif -%}
        {%- set method = policy.get('method', 'none') -%}
        {%- if method not in ('none', 'ffill', 'linear') -%}
            {{ exceptions.raise_compiler_error("fill_policies." ~ series_id ~ ": unknown method '" ~ method ~ "' (none, ffill, linear)") }}
        {%- endif -%}
        {%- set max_gap = policy.get('max_gap', 0 if method == 'none' else none) -%}
        {%- if max_gap is none or max_gap is not number or max_gap is sameas true or max_gap is sameas false
              or max_gap != (max_gap | int) or (method != 'none' and max_gap < 1) or max_gap < 0 -%}
            {{ exceptions.raise_compiler_error("fill_policies." ~ series_id ~ ": max_gap must be an integer >= 1, got " ~ max_gap) }}
        {%- endif -%}
        {%- do rows.append((series_id, method, max_gap | int)) -%}
    {%- endfor -%}
    (
    {%- for series_id, method, max_gap in rows %}
        {{ 'union all ' if not loop.first }}select
            {{ cast_string("'" ~ series_id ~ "'", 64) }} as series_id,
            {{ cast_string("'" ~ method ~ "'", 16) }} as fill_method,
            {{ max_gap }} as max_gap
    {%- else %}
        select
            {{ cast_string("'none'", 64) }} as series_id,
            {{ cast_string("'none'", 16) }} as fill_method,
            0 as max_gap
        from (select 1 as one) as no_policy
        where 1 = 0
    {%- endfor %}
    )
{%- endmacro %}

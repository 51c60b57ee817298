{#
  Arithmetic whose edge cases differ between DuckDB and MySQL/MariaDB.
#}

{# Natural log, NULL where undefined (x <= 0 or NULL). DuckDB raises on a negative argument and
   returns -inf for 0; MySQL returns NULL with a warning. Both now give NULL. #}
{% macro safe_ln(expr) -%}
    case when {{ expr }} > 0 then ln({{ expr }}) end
{%- endmacro %}

{# a / b as a double, NULL when b is 0 or NULL (MySQL gives NULL, DuckDB inf/NaN or an error). #}
{% macro safe_divide(a, b) -%}
    case when ({{ b }}) <> 0 then {{ cast_double(a) }} / ({{ b }}) end
{%- endmacro %}


{# A relation `integers(n)` with one column `n`: 0, 1, ..., count - 1 (count <= 1,000,000).
   Built from cross-joined digits: no recursive CTE (MySQL caps recursion at 1,000 by default)
   and no generate_series (DuckDB only). Use as `from {{ integers(5000) }} as i`. #}
{% macro integers(count) -%}
    {%- set digits = [] -%}
    {%- set ns = namespace(places=1, size=10) -%}
    {%- for _ in range(6) -%}
        {%- if ns.size < count -%}
            {%- set ns.places = ns.places + 1 -%}
            {%- set ns.size = ns.size * 10 -%}
        {%- endif -%}
    {%- endfor -%}
    (
        select
            {%- for p in range(ns.places) %}
            {{ '+ ' if not loop.first }}d{{ p }}.d * {{ 10 ** p }}
            {%- endfor %} as n
        from
            {%- for p in range(ns.places) %}
            {{ ', ' if not loop.first }}(
                select 0 as d union all select 1 union all select 2 union all select 3
                union all select 4 union all select 5 union all select 6 union all select 7
                union all select 8 union all select 9
            ) as d{{ p }}
            {%- endfor %}
        where
            {%- for p in range(ns.places) %}
            {{ '+ ' if not loop.first }}d{{ p }}.d * {{ 10 ** p }}
            {%- endfor %} < {{ count }}
    )
{%- endmacro %}

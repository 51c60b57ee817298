{#
  Generic test: every non-null value of the column lies within [min_value, max_value] (either
  bound may be omitted, not both; `strict: true` excludes the bounds themselves).
  NULLs pass: pair with not_null where a value is required.
#}
{% test in_range(model, column_name, min_value=none, max_value=none, strict=false) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("in_range on " ~ column_name ~ " needs min_value or max_value") }}
{%- endif -%}
{%- set below = '<=' if strict else '<' -%}
{%- set above = '>=' if strict else '>' -%}

with

checked as (
    select {{ column_name }} as checked_value
    from {{ model }}
    where {{ column_name }} is not null
),

final as (
    select * from checked
    where 1 = 0
        {%- if min_value is not none %} or checked_value {{ below }} {{ min_value }}{% endif %}
        {%- if max_value is not none %} or checked_value {{ above }} {{ max_value }}{% endif %}
)

select * from final

{% endtest %}

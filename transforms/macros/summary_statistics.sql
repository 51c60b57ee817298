{#
  The summary statistics of a group of observations, as select-list columns: n_obs, mean,
  variance, stddev (sample, n - 1), min_value, max_value, first_obs_date, last_obs_date.

  One home for the statistics contract shared by mart_series_stats (full history) and
  mart_series_window_stats (trailing windows), so the two marts can never compute them
  differently. Missing values (NULL) are excluded by every aggregate; the dates span the rows
  of the group, values or not. Use inside a select with a matching group by.
#}

{% macro summary_statistics(value='value', obs_date='obs_date') -%}
        count({{ value }}) as n_obs,
        {{ cast_double('avg(' ~ value ~ ')') }} as mean,
        {{ sample_variance(value) }} as variance,
        {{ sample_stddev(value) }} as stddev,
        min({{ value }}) as min_value,
        max({{ value }}) as max_value,
        min({{ obs_date }}) as first_obs_date,
        max({{ obs_date }}) as last_obs_date
{%- endmacro %}

{#-
  dbt's `not_null` test, selecting the failing rows whole (as dbt does when it stores failures)
  instead of the null column alone: a failed test's alert names its first failing rows by their
  ids (orchestration/transform/failing_rows.py), and a column of nulls names none. dbt counts
  the rows the same either way, and DuckDB reads no column the count does not need.
-#}

{% macro default__test_not_null(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} is null

{% endmacro %}

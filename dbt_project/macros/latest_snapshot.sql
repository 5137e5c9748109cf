{#-
  The portal sources deliver daily snapshots: a record still open on a day is in that day's
  export again, with the same id and maybe other values (quota, applicants, status). Staging
  keeps one row per id and landing partition; what reads staging wants one row per entity.

  `latest_snapshot(relation, id_column)` selects from `relation` one row per `id_column`: the
  row of its latest partition (`_partition_key`, a day written `YYYY-MM-DD`, so text order is day
  order); within one partition an id is unique (the raw suites check it), and should a partition
  hold it twice, the later file and row win, so the choice never depends on the scan order. It
  adds when the id was seen:

  - `first_seen_date`: the first export day that has the id (a posting-date proxy);
  - `last_seen_date`: the last export day that has it (it was still listed then);
  - `snapshot_days`: how many export days have it.

  A monthly or yearly export belongs to its last day (orchestration/landing/partitions.py).
-#}

{% macro latest_snapshot(relation, id_column) -%}
    select
        snapshots.*,
        cast(min(snapshots._partition_key) over (by_id) as date) as first_seen_date,
        cast(max(snapshots._partition_key) over (by_id) as date) as last_seen_date,
        count(distinct snapshots._partition_key) over (by_id) as snapshot_days
    from {{ relation }} as snapshots
    window by_id as (partition by snapshots.{{ id_column }})
    qualify row_number() over (
        partition by snapshots.{{ id_column }}
        order by
            snapshots._partition_key desc,
            snapshots.source_file desc,
            snapshots.source_row desc
    ) = 1
{%- endmacro %}


{#-
  `export_snapshot_date(latest_change)`: the day an export stands for, in a query grouped by
  `_partition_key` over rows with `source_file`. A partition with a daily file (its name carries
  the day) covers that day. A monthly or yearly file belongs to its last day, which may lie after
  the cut-off: it is dated by `latest_change` (an aggregate such as the latest update or
  publication), or by the partition day when no row has one, so it is never null.
-#}

{% macro export_snapshot_date(latest_change) -%}
    case
        when bool_or(contains(source_file, _partition_key))
            then cast(_partition_key as date)
        else coalesce({{ latest_change }}, cast(_partition_key as date))
    end
{%- endmacro %}

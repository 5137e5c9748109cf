{#-
  Staging models of partitioned sources are incremental tables keyed on the landing partition
  (folder config in dbt_project.yml: `delete+insert` on `_partition_key`).

  Landing replaces one partition of a raw table at a time (`_partition_key`) and stamps its rows
  with the landing run (`_run_id`). An incremental build takes from the raw table exactly the
  partitions the model does not hold as landed: every partition with a (partition, run) pair the
  model lacks, that is a new partition or one landed again; `delete+insert` then replaces those
  partitions' rows whole, whatever changed in them, and leaves the others alone. A partition no
  longer in the raw table is deleted by `delete_removed_partitions` (post-hook). The first build
  and `--full-refresh` take every partition.

  A partition whose files were removed from the landing folder is deleted from raw by the
  night's planner (orchestration/operations/incremental.py), and so from here by the post-hook.
-#}

{% macro partitions_not_in_this(source_relation) -%}
    {%- if is_incremental() %}
    where _partition_key in (
        select landed._partition_key
        from (
            select distinct
                _partition_key,
                _run_id
            from {{ source_relation }}
            except
            select distinct
                _partition_key,
                _run_id
            from {{ this }}
        ) as landed
    )
    {%- endif %}
{%- endmacro %}

{% macro delete_removed_partitions(source_relation) -%}
    delete from {{ this }}
    where _partition_key not in (select distinct _partition_key from {{ source_relation }})
{%- endmacro %}

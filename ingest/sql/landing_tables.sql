-- Bookkeeping tables of the raw landing zone. Created once; rows are replaced per source and run.
create schema if not exists raw;

create table if not exists raw.quarantine (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    source_row bigint,
    field varchar,
    reason_code varchar not null,
    reason varchar not null,
    raw_record varchar,
    quarantined_at timestamp with time zone not null
);

create table if not exists raw.load_audit (
    run_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    loaded_at timestamp with time zone not null
);

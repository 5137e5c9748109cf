-- One row per KBJI 2014 code and its ISCO-08 counterpart. Rows for ISCO codes with no KBJI
-- counterpart (relation `isco_code_absent_in_kbji`) are kept out: they map nothing.
with

source as (

    select * from {{ source('raw', 'kbji2014_isco08_crosswalk') }}

),

renamed as (

    select
        kbji_code,
        isco08_code,
        relation as crosswalk_relation
    from source
    where relation <> 'isco_code_absent_in_kbji'

)

select * from renamed

-- One row per ISCO-08 group at any of its four levels. A title misspelt in the file as received
-- is corrected here from the `reference_errata` seed; the shipped file stays as received.
with

source as (

    select * from {{ source('raw', 'isco08_structure') }}

),

errata as (

    select * from {{ ref('reference_errata') }}
    where reference = 'isco08_structure' and column_name = 'title_en'

),

renamed as (

    select
        source.isco08_code,
        cast(source.level as integer) as isco08_level,
        nullif(source.parent_code, '') as parent_isco08_code,
        -- Matched on the received text too: once the source is corrected, the erratum is idle.
        coalesce(errata.corrected_value, source.title_en) as title_en
    from source
    left join errata
        on
            source.isco08_code = errata.code
            and source.title_en = errata.received_value

)

select * from renamed

-- One row per vacancy posting: the flag and evidence of every validation rule, published beside
-- fct_vacancy_postings so officials and researchers can filter or count flagged postings.
with

validated as (

    select * from {{ ref('int_vacancy_postings_validated') }}

),

postings as (

    select
        posting_id,
        posted_date,
        province_bps_code
    from {{ ref('fct_vacancy_postings') }}

),

joined as (

    select
        v.*,
        p.posted_date,
        p.province_bps_code
    from validated as v
    inner join postings as p
        on v.posting_id = p.posting_id

),

final as (

    select
        posting_id,
        source,
        posted_date,
        province_bps_code,
        * exclude (posting_id, source, posted_date, province_bps_code)
    from joined

)

select * from final

-- One row per pair of postings the linker connected: `duplicate` pairs are merged into one
-- vacancy, `uncertain` pairs are kept apart and listed here with their score so an analyst can
-- review them; nothing is merged silently.
with

links as (

    select * from {{ ref('int_vacancy_duplicate_links') }}

),

both_kinds as (

    select
        posting_id,
        'duplicate' as decision,
        unnest(duplicate_links) as link
    from links
    union all
    select
        posting_id,
        'uncertain' as decision,
        unnest(uncertain_links) as link
    from links

),

final as (

    -- Each pair is stored on both its postings; keep it once, from its smaller posting id.
    select
        posting_id as posting_id_a,
        link.other_posting_id as posting_id_b,
        decision,
        link.score,
        link.duplicate_type
    from both_kinds
    where posting_id < link.other_posting_id

)

select * from final

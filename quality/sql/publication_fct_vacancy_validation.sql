-- Publication gate frame for the validation flags: one row comparing the postings validated with
-- the postings published, so a posting left unvalidated fails the gate.
select
    (select count(*) from marts.fct_vacancy_validation) as postings_validated,
    (select count(*) from marts.fct_vacancy_postings) as postings_published,
    (
        select count(*)
        from marts.fct_vacancy_postings as p
        anti join marts.fct_vacancy_validation as v
            on p.posting_id = v.posting_id
    ) as postings_without_validation

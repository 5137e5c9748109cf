-- One row per job seeker registered with the public employment service (AK1 card), pseudonymised:
-- the NIK and the AK1 number are keyed hashes, and nothing that names or reaches a person is in
-- the warehouse. SYNTHETIC data until real AK1 exports are landed. The sought jabatan is coded to
-- KBJI 2014; placements are counted from fct_placements' source. Register exports are snapshots:
-- a job seeker is the latest snapshot of the registration, a placement counted once.
with

job_seekers as (

    {{ latest_snapshot(ref('stg_ak1__job_seekers'), 'job_seeker_id') }}

),

placements as (

    {{ latest_snapshot(ref('stg_ak1__placements'), 'placement_id') }}

),

titles as (

    select * from {{ ref('int_admin_titles_coded') }}

),

placements_per_job_seeker as (

    select
        job_seeker_id,
        count(*) as placements,
        min(placement_date) as first_placement_date
    from placements
    group by job_seeker_id

),

final as (

    select
        job_seekers.job_seeker_id,
        job_seekers.registration_id,
        job_seekers.sex,
        job_seekers.birth_year,
        job_seekers.age_at_registration,
        job_seekers.marital_status,
        job_seekers.education_level,
        job_seekers.education_major,
        job_seekers.graduation_year,
        job_seekers.skills,
        job_seekers.desired_jabatan_title,
        titles.kbji4,
        titles.isco08,
        titles.occupation_confidence,
        coalesce(titles.is_auto_coded, false) as is_auto_coded,
        coalesce(titles.occupation_coding_status, 'no_job_words') as occupation_coding_status,
        job_seekers.desired_location,
        job_seekers.has_disability,
        job_seekers.region_id,
        'province-' || job_seekers.province_code_kemendagri as province_region_id,
        job_seekers.province_code_kemendagri,
        job_seekers.regency_code_kemendagri,
        job_seekers.province_code_bps,
        job_seekers.regency_code_bps,
        job_seekers.region_match_method,
        job_seekers.registered_date,
        job_seekers.valid_until_date,
        job_seekers.register_status,
        coalesce(placed.placements, 0) as placements,
        placed.first_placement_date,
        placed.job_seeker_id is not null as is_placed,
        job_seekers.is_synthetic,
        job_seekers.first_seen_date,
        job_seekers.last_seen_date,
        job_seekers.snapshot_days
    from job_seekers
    left join titles
        on trim(job_seekers.desired_jabatan_title) = titles.job_title
    left join placements_per_job_seeker as placed
        on job_seekers.job_seeker_id = placed.job_seeker_id

)

select * from final

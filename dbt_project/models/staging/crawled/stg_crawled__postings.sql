-- One row per posting per source per crawl day, from every crawled source's raw table.
-- A spider none of whose days has been landed yet has no raw table: it is left out of the union
-- (checked when the model runs), and the typed empty stand-in keeps every column, so the model
-- builds on a warehouse that has never crawled. The `source()` calls stay outside the check, so
-- the lineage to every raw table is in the manifest whether or not it exists yet.
-- Times without an offset (Loker.id, Karirhub) are Jakarta wall-clock time.
{%- set crawled_tables = [
    'crawled_jobstreet',
    'crawled_glints',
    'crawled_karirhub',
    'crawled_lokerid',
    'crawled_dealls',
    'crawled_careers_jsonld',
] -%}
{%- set landed_tables = [] -%}
{%- for table in crawled_tables -%}
    {%- set relation = source('crawled', table) -%}
    {%- if execute and adapter.get_relation(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier,
    ) is not none -%}
        {%- do landed_tables.append(relation) -%}
    {%- endif -%}
{%- endfor %}

with

no_crawl as (

    -- The raw tables' columns with no rows (orchestration/crawling/sql).
    select
        cast(null as varchar) as source,
        cast(null as varchar) as source_posting_id,
        cast(null as varchar) as url,
        cast(null as varchar) as crawled_at,
        cast(null as varchar) as crawl_date,
        cast(null as varchar) as spider,
        cast(null as varchar) as run_id,
        cast(null as varchar) as title,
        cast(null as varchar) as company_name,
        cast(null as varchar) as location,  -- noqa: RF04
        cast(null as varchar) as posted_at,
        cast(null as varchar) as employment_type,
        cast(null as varchar) as salary_text,
        cast(null as varchar) as salary_min,
        cast(null as varchar) as salary_max,
        cast(null as varchar) as salary_currency,
        cast(null as varchar) as salary_period,
        cast(null as varchar) as description,
        cast(null as varchar) as problems,
        cast(null as varchar) as raw,  -- noqa: RF04
        cast(null as varchar) as _source_file,
        cast(null as bigint) as _source_row
    where false

),

source as (

    select * from no_crawl
    {%- for relation in landed_tables %}
    union all by name
    select * from {{ relation }}
    {%- endfor %}

),

typed as (

    select
        *,
        -- Not silent: the landing turned pay text ("5jt") into numbers and emptied pay nothing
        -- reads, flagging the posting `salary_unparsed` in `problems`.
        try_cast(salary_min as double) as salary_min_amount,
        try_cast(salary_max as double) as salary_max_amount,
        case upper(salary_period)
            when 'HOUR' then 'hourly'
            when 'DAY' then 'daily'
            when 'WEEK' then 'weekly'
            when 'MONTH' then 'monthly'
            when 'YEAR' then 'yearly'
        end as salary_period_word,
        case
            when regexp_matches(posted_at, '(z|[+-]\d{2}:?\d{2})$', 'i')
                then try_cast(posted_at as timestamptz)
            else timezone('Asia/Jakarta', try_cast(posted_at as timestamp))
        end as posted_at_typed

    from source

),

renamed as (

    select
        source,
        source_posting_id,
        trim(title) as job_title,
        nullif(trim(company_name), '') as company_name,
        case source
            when 'jobstreet'
                then coalesce(raw ->> '$.listing.companyMeta.isPrivate' = 'true', false)
            when 'karirhub' then coalesce(raw ->> '$.detail.confidential' = 'true', false)
            else false
        end as is_company_confidential,
        nullif(trim(location), '') as location_text,
        nullif(trim(case source
            when 'jobstreet'
                then array_to_string(
                        json_extract_string(raw, '$.listing.categories[*].name'), ','
                    )
            when 'glints'
                then coalesce(
                        raw ->> '$.listing.hierarchicalJobCategory.name',
                        raw ->> '$.listing.category.name'
                    )
            when 'karirhub' then raw ->> '$.detail.job_function.name'
            when 'lokerid' then raw ->> '$.detail.category'
            else raw ->> '$.jsonld.occupationalCategory'
        end), '') as category_text,
        nullif(trim(description), '') as description,
        nullif(employment_type, '') as employment_type,
        nullif(salary_currency, '') as salary_currency,
        salary_min_amount as salary_min,
        salary_max_amount as salary_max,
        salary_period_word as salary_period,
        -- The pay as one text, so one parser reads every board: the text the site showed, or
        -- "IDR 15000000 - 21000000 monthly" rebuilt from the numbers it gave.
        coalesce(
            nullif(trim(salary_text), ''),
            case
                when salary_min_amount is not null or salary_max_amount is not null
                    then concat_ws(
                            ' ',
                            case when salary_min_amount is null then 'up to' end,
                            salary_currency,
                            case
                                when salary_min_amount is not null
                                    and salary_max_amount is not null
                                    and salary_min_amount <> salary_max_amount
                                    then regexp_replace(salary_min, '\.0+$', '')
                                        || ' - '
                                        || regexp_replace(salary_max, '\.0+$', '')
                                else regexp_replace(
                                        coalesce(salary_min, salary_max), '\.0+$', ''
                                    )
                            end,
                            salary_period_word
                        )
            end
        ) as salary_text,
        nullif(trim(case source
            when 'lokerid'
                then array_to_string(json_extract_string(raw, '$.detail.education[*]'), ', ')
            when 'karirhub' then raw ->> '$.detail.min_education.name'
            else coalesce(
                    raw ->> '$.jsonld.educationRequirements.credentialCategory',
                    case
                        when json_type(raw, '$.jsonld.educationRequirements') = 'VARCHAR'
                            then raw ->> '$.jsonld.educationRequirements'
                    end
                )
        end), '') as education_text,
        -- Written as the static snapshots' staging writes it ("pengalaman 1 - 3 tahun").
        nullif(trim(case source
            when 'lokerid'
                then regexp_replace(
                        array_to_string(
                            json_extract_string(raw, '$.detail.experience[*]'), ', '
                        ),
                        '(\d+( - \d+)? tahun)',
                        'pengalaman \1',
                        'gi'
                    )
            when 'glints'
                then 'pengalaman '
                    || (raw ->> '$.listing.minYearsOfExperience')
                    || coalesce(' - ' || (raw ->> '$.listing.maxYearsOfExperience'), '')
                    || ' tahun'
            when 'karirhub'
                then 'pengalaman ' || (raw ->> '$.detail.min_year_experience') || ' tahun'
            else coalesce(
                    'pengalaman '
                    -- whole years, rounded down: still a true minimum
                    || cast(floor(
                        try_cast(
                            raw ->> '$.jsonld.experienceRequirements.monthsOfExperience'
                            as double
                        ) / 12
                    ) as integer)
                    || ' tahun',
                    case
                        when json_type(raw, '$.jsonld.experienceRequirements') = 'VARCHAR'
                            then raw ->> '$.jsonld.experienceRequirements'
                    end
                )
        end), '') as experience_text,
        posted_at as posted_at_text,
        posted_at_typed as posted_at,
        cast(timezone('Asia/Jakarta', posted_at_typed) as date) as posted_date,
        cast(crawl_date as date) as seen_date,
        -- JobStreet's query string is a tracking token; other boards' URLs are kept whole.
        case when source = 'jobstreet' then split_part(url, '?', 1) else url end as posting_url,
        spider,
        run_id as crawl_run_id,
        cast(crawled_at as timestamptz) as crawled_at,
        problems as crawl_problems,
        _source_file as source_file,
        _source_row as source_row
    from typed

)

select * from renamed

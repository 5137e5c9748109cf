-- One row per period x area x breakdown x indicator from the real Sakernas rounds, with its
-- standard error, RSE and BPS reliability flag. Suppressed cells (too few sample persons, RSE
-- above 50 %, or suppressed again so they cannot be recovered from their breakdown's total)
-- are published without a value.
{{ labour_force_indicator_mart('sakernas_indicator_estimates', synthetic=false) }}

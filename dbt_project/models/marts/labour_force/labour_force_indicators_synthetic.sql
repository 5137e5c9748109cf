-- SYNTHETIC. One row per period x area x breakdown x indicator from the generated multi-round
-- Sakernas-shaped extracts (every province, August 2015-2024, 4-digit KBJI). Calibrated to BPS's
-- published TPT by province and round; every other figure is invented. For building and
-- testing the Critical Occupations List, never for publication as statistics.
{{ labour_force_indicator_mart('sakernas_indicator_estimates_synthetic', synthetic=true) }}

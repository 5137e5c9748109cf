"""Occupation coding (KBJI 2014 / ISCO-08) and skills extraction for job titles and adverts.

Public API, used by the `lmis classify-titles` command and by the pipeline:
- `code_titles(df)`: one row per input id with kbji4, isco08, calibrated confidence, two
  alternatives and the auto-code decision;
- `extract_skills(df)`: long table of ESCO/SKKNI skills per id;
- `OccupationCoder` for repeated use with a chosen threshold and quarantine records;
- `build.load_model(rebuild=True)` to (re)build the cached model explicitly.
"""

from ingest.occupations.coder import (
    CLI_COLUMNS,
    DEFAULT_AUTO_CODE_THRESHOLD,
    CodingResult,
    OccupationCoder,
    code_titles,
)
from ingest.occupations.skills import extract_skills

__all__ = [
    "CLI_COLUMNS",
    "DEFAULT_AUTO_CODE_THRESHOLD",
    "CodingResult",
    "OccupationCoder",
    "code_titles",
    "extract_skills",
]

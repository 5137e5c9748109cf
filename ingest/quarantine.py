"""Quarantine records: one row per unusable input row, worded the same wherever it is written.

The landing of every source (files, admin exports, crawls) and the `lmis IN.csv OUT.csv` file
commands (ingest/file_commands.py) build their quarantine rows here, so that:

* a row's `reason` repeats file, line and field (`dealls.csv line 4 field job_url: ...`) and
  reads on its own (`quarantine_record`);
* a row with several problems is one record listing them all, ordered as the file's columns,
  `field` and `reason_code` joined by `PROBLEM_SEPARATOR` (`merge_by_line`);
* the details of the reasons shared by several readers (`field_count`, `salary_negative`,
  `id_duplicated`) are worded once;
* a repeated id keeps its first row that is otherwise usable; each later one is
  `id_duplicated`, naming the line of that row. A row quarantined for another reason does not
  claim its id (`IdClaims`, the rule every landing shares).
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.admin.personal_data import mask_personal_data


def quarantine_record(
    command: str,
    path: Path,
    line: int,
    row_id: str | None,
    field_name: str,
    reason_code: str,
    detail: str,
    raw: object,
) -> dict:
    """One quarantine row; `reason` repeats file, line and field so it reads on its own."""
    return {
        "source": command,
        "source_file": path.name,
        "source_row": line,
        "id": row_id,
        "field": field_name,
        "reason_code": reason_code,
        "reason": f"{_reason_prefix(path.name, line)}field {field_name}: {detail}",
        "raw_record": json.dumps(raw, ensure_ascii=False),
    }


def _reason_prefix(file_name: str, line: int) -> str:
    return f"{file_name} line {line} "


def field_count_detail(found: int, expected: int) -> str:
    """The reason given for a row of the wrong shape (`field_count`), the same everywhere."""
    return f"{found} field{'s' * (found != 1)}, the header has {expected}"


def quoted_value(value: str, limit: int = 60) -> str:
    """A value as a reason quotes it: its first `limit` characters, e-mails, phone numbers and NIKs
    masked first, since a cut one ("0812-3456-78", "hrd.budi@gma") no longer has their shape."""
    return (mask_personal_data(value) or "")[:limit]


def negative_pay_detail(value: str) -> str:
    """The reason given for pay below zero (`salary_negative`), the same in every command."""
    return f"pay {quoted_value(value)!r} is negative; a wage cannot be below zero"


ID_DUPLICATED = "id_duplicated"
"""The reason code of a later row of an id, in the file commands and the pipeline's landing."""


def duplicate_id_detail(
    row_id: str, first_line: int, first_file: str | None = None, unit: str = "line"
) -> str:
    """The reason given for a later row of an id (`id_duplicated`), the same everywhere: the
    first row's line (or `unit`: a JSON listing's hit, a feed's item), and its file when it is
    in another file of the same source."""
    where = f"{unit} {first_line}" if first_file is None else f"{first_file} {unit} {first_line}"
    return f"id {row_id!r} is already used by the row on {where}"


def normalised_id(value: str | None) -> str | None:
    """An id as it is compared: without surrounding blanks, blank as None (`id_key` in Polars)."""
    key = (value or "").strip()
    return key or None


class IdClaims:
    """The one repeated-id rule of every landing and file command.

    An id is claimed by the first row that is otherwise loadable (no other problem); each later
    row of a claimed id is `id_duplicated`, naming the claiming row. A row quarantined for
    another reason claims nothing and keeps its own reason, so a later valid row of its id still
    loads (a bad date on the first row must not cost the id's only good row). Rows are judged in
    file and line order; ids compare as `normalised_id` gives them, a blank id claims nothing.
    """

    def __init__(self, unit: str = "line") -> None:
        self.unit = unit
        """What a row's number counts (`line`; `hit` of a JSON listing, `item` of a feed)."""
        self._first: dict[str, tuple[str | None, int]] = {}

    def judge(
        self, value: str | None, line: int, *, otherwise_loadable: bool, file: str | None = None
    ) -> str | None:
        """The `id_duplicated` detail of a row whose id an earlier row claimed, else None; an
        unclaimed id is claimed by this row when it is `otherwise_loadable`. `file` names the
        row's file when the rows of several files are judged together (the detail names the
        claiming row's file when it is another)."""
        row_id = normalised_id(value)
        if row_id is None:
            return None
        if row_id in self._first:
            first_file, first_line = self._first[row_id]
            other = None if first_file == file else first_file
            return duplicate_id_detail(row_id, first_line, other, self.unit)
        if otherwise_loadable:
            self._first[row_id] = (file, line)
        return None


PROBLEM_SEPARATOR = ";"
"""Joins the fields and the reason codes of a row with several problems (`a;b`)."""


def merge_by_line(records: list[dict], columns: list[str]) -> list[dict]:
    """One quarantine row per file line, listing every problem found on that row.

    The problems are ordered as the file's columns (a whole-row problem, field `*`, first; a
    field not in `columns` last); `field` and `reason_code` join them with `;` (the n-th code
    belongs to the n-th field) and `reason` joins the `field F: detail` parts with `; ` after
    one `FILE line N`. A row with one problem is left as it is.
    """
    by_line: dict[int, list[dict]] = {}
    for record in records:
        by_line.setdefault(record["source_row"], []).append(record)
    position = {name: index for index, name in enumerate(columns)}

    def order(record: dict) -> int:
        return -1 if record["field"] == "*" else position.get(record["field"], len(columns))

    merged = []
    for line, problems in by_line.items():
        if len(problems) == 1:
            merged.append(problems[0])
            continue
        problems = sorted(problems, key=order)
        prefix = _reason_prefix(problems[0]["source_file"], line)
        ids = [p["id"] for p in problems if p["id"] is not None]
        merged.append(
            {
                **problems[0],
                "id": ids[0] if ids else None,
                "field": PROBLEM_SEPARATOR.join(p["field"] for p in problems),
                "reason_code": PROBLEM_SEPARATOR.join(p["reason_code"] for p in problems),
                "reason": prefix + "; ".join(p["reason"].removeprefix(prefix) for p in problems),
            }
        )
    return merged

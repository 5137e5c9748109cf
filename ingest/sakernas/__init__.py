"""Sakernas (Indonesian labour force survey): readers, per-round harmonisation, design-based
indicators with BPS reliability rules and suppression, and a synthetic multi-round generator.

Public API:
    read_microdata(path) -> Microdata(data, value_labels, missing_reasons)
    load_round_config(name_or_path) -> RoundConfig
    harmonise(frame, config) -> Harmonised(persons, quarantine)
"""

from ingest.sakernas.config import RoundConfig, list_rounds, load_round_config
from ingest.sakernas.harmonise import HARMONISED_SCHEMA, Harmonised, harmonise
from ingest.sakernas.readers import Microdata, read_microdata

__all__ = [
    "HARMONISED_SCHEMA",
    "Harmonised",
    "Microdata",
    "RoundConfig",
    "harmonise",
    "list_rounds",
    "load_round_config",
    "read_microdata",
]

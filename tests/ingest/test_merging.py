"""The one deep merge that round files (`extends`) and report scenarios both use."""

from __future__ import annotations

from ingest.merging import deep_merge


def test_nested_mappings_merge_key_by_key_and_the_rest_is_replaced():
    base = {"significance": {"enabled": True, "level": 0.95}, "codes": [1, 2], "name": "base"}
    override = {"significance": {"level": 0.9}, "codes": [3], "extra": {"a": 1}}
    assert deep_merge(base, override) == {
        "significance": {"enabled": True, "level": 0.9},
        "codes": [3],
        "name": "base",
        "extra": {"a": 1},
    }
    # Neither input is changed: the base configuration is merged once per scenario.
    assert base["significance"] == {"enabled": True, "level": 0.95}
    assert override == {"significance": {"level": 0.9}, "codes": [3], "extra": {"a": 1}}


def test_a_mapping_over_a_scalar_replaces_it_whole():
    assert deep_merge({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
    assert deep_merge({"a": {"b": 2}}, {"a": None}) == {"a": None}

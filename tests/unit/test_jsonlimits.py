"""``connector.jsonlimits.loads``: the depth limit is exact, and every way of being too deep is one ValueError."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from connector.jsonlimits import MAX_DEPTH, JSONTooDeep, loads


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def test_the_limit_itself_is_accepted_and_one_more_is_refused() -> None:
    assert loads(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))
    with pytest.raises(JSONTooDeep, match=f"^JSON nested deeper than {MAX_DEPTH} levels$"):
        loads(nested(MAX_DEPTH + 1))


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_past_the_interpreters_recursion_limit_is_the_same_value_error(depth: int) -> None:
    with pytest.raises(ValueError, match="nested deeper"):  # json.loads raised RecursionError here
        loads(nested(depth))


def test_objects_count_like_arrays_and_so_do_mixed_levels() -> None:
    doc = '{"a": [{"b": [1]}]}'  # 4 levels
    assert loads(doc, max_depth=4) == {"a": [{"b": [1]}]}
    with pytest.raises(JSONTooDeep):
        loads(doc, max_depth=3)


def test_brackets_inside_strings_are_not_levels() -> None:
    doc = json.dumps(["[" * 200 + "{" * 200])
    assert loads(doc, max_depth=1) == ["[" * 200 + "{" * 200]


def test_bytes_in_any_json_encoding_and_keyword_arguments_pass_through() -> None:
    assert loads(nested(3, "1.10").encode("utf-16"), parse_float=Decimal) == [[[Decimal("1.10")]]]
    with pytest.raises(JSONTooDeep):
        loads(nested(MAX_DEPTH + 1).encode("utf-32"))


def test_scalars_and_bad_json_behave_as_json_loads() -> None:
    assert loads("3") == 3 and loads(b'"x"') == "x"
    with pytest.raises(json.JSONDecodeError):
        loads("[")

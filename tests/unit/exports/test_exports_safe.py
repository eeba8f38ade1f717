"""safe_text: the one gate for text going into a cell."""

import pytest

from exports.safe import safe_text


@pytest.mark.parametrize("value, result", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("#N/A", "'#N/A"), ("#REF!", "'#REF!"),
    ("Alice", "Alice"), (" =1", " =1"), ("O'Brien", "O'Brien"), ("", ""), ("30145566", "30145566"),
])
def test_formula_triggers_are_quoted_and_other_text_is_untouched(value, result):
    assert safe_text(value) == result


def test_none_stays_empty():
    assert safe_text(None) is None


def test_illegal_xml_characters_are_removed_not_raised():
    assert safe_text("a\x00b\x01c\x0bd\x1fe\tf\ng") == "abcde\tf\ng"


def test_removing_illegal_characters_cannot_uncover_a_formula():
    assert safe_text("\x00=1+1") == "'=1+1"


def test_text_longer_than_a_cell_is_cut_to_excels_limit():
    assert len(safe_text("x" * 40000)) == 32767


def test_non_text_is_converted_to_text():
    assert safe_text(12) == "12"

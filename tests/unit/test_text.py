"""checks.text: the one rule for text that must stay on one line, for notes that keep line breaks, and
the one-line form of a name for a header."""
import pytest

from checks.text import CONTROL_CHARACTERS, control_character_problem, one_line

ONE_LINE = "must be on one line, without control characters"
NOTES = "must not contain control characters other than line breaks"


@pytest.mark.parametrize("value", [None, "", "Ann Smith", "Siân O'Brien-Ćorić", "Ann\u00a0Smith", "GMC 1234567",
                                   "a\u200bb", "emoji \U0001f600"])
def test_ordinary_text_is_fine(value):
    assert control_character_problem(value) is None
    assert control_character_problem(value, multiline=True) is None


@pytest.mark.parametrize("char", ["\x00", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x80",
                                  "\x85", "\x9f", "\u2028", "\u2029"])
def test_a_single_line_value_refuses_every_control_character(char):
    assert control_character_problem(f"Ann{char}Smith") == f"{ONE_LINE} (found U+{ord(char):04X})"
    assert CONTROL_CHARACTERS.search(char)


@pytest.mark.parametrize("value", ["line one\nline two", "line one\r\nline two", "a\rb"])
def test_notes_keep_line_breaks(value):
    assert control_character_problem(value, multiline=True) is None
    assert control_character_problem(value) is not None


@pytest.mark.parametrize("char", ["\x00", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
def test_notes_refuse_other_control_characters(char):
    assert control_character_problem(f"seen{char}by the chair", multiline=True) == \
        f"{NOTES} (found U+{ord(char):04X})"


def test_the_first_control_character_is_named():
    assert control_character_problem("a\tb\nc").endswith("(found U+0009)")


@pytest.mark.parametrize("value, expected", [
    ("Ann Smith", "Ann Smith"),
    ("Mallory\r\nBcc: x@example.com", "Mallory Bcc: x@example.com"),
    ("  Ann\u2028\x0b Smith\x00 ", "Ann Smith"),
])
def test_one_line_turns_control_characters_into_single_spaces(value, expected):
    assert one_line(value) == expected

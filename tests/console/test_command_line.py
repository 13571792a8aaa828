"""The typed command grammar: what operators type, what it means, and clear refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.command_line import CommandLineError, completions, parse
from platform_api.contract import Grade, IncidentPublic


def _incident(reference: str) -> IncidentPublic:
    return IncidentPublic.model_validate(
        {
            "id": reference.lower(),
            "version": 1,
            "reference": reference,
            "opening_classification": "Violence",
            "closing_classification": None,
            "grade": "priority",
            "target_at": None,
            "thrive": {},
            "location": {"lat": 51.5, "lon": -0.12, "address": None, "borough": "Westminster"},
            "status": "open",
            "created_at": datetime.now(UTC),
            "created_by": "calltaker",
            "closed_at": None,
            "call_ids": [],
            "log": [],
        }
    )


OPEN = [
    _incident("LDN-20261123-0042"),
    _incident("LDN-20261123-0007"),
    _incident("LDN-20261122-0007"),
]


def test_short_and_long_verbs_mean_the_same() -> None:
    assert parse("a", OPEN).verb == parse("ANSWER", OPEN).verb == "answer"
    assert parse("?", OPEN).verb == "help"


def test_references_by_number_full_form_or_hash() -> None:
    assert parse("o 42", OPEN).incident == OPEN[0]
    assert parse("open #0042", OPEN).incident == OPEN[0]
    assert parse("o ldn-20261122-0007", OPEN).incident == OPEN[2]


def test_an_ambiguous_number_lists_the_candidates() -> None:
    with pytest.raises(CommandLineError, match="LDN-20261122-0007, LDN-20261123-0007"):
        parse("o 7", OPEN)


def test_grade_applies_to_the_selection_or_a_reference() -> None:
    selected = parse("g p", OPEN)
    assert selected.incident is None and selected.grade == Grade.PRIORITY
    named = parse("g #42 immediate", OPEN)
    assert named.incident == OPEN[0] and named.grade == Grade.IMMEDIATE
    with pytest.raises(CommandLineError, match="not a grade"):
        parse("g #42 urgent", OPEN)


def test_log_text_keeps_every_word_and_an_optional_reference() -> None:
    assert parse("l caller now outside", OPEN).text == "caller now outside"
    with_ref = parse("l #42 suspect left on foot", OPEN)
    assert with_ref.incident == OPEN[0] and with_ref.text == "suspect left on foot"
    # A bare number in a log line is text, not a reference.
    assert parse("l 42 people in the crowd", OPEN).text == "42 people in the crowd"
    with pytest.raises(CommandLineError, match="needs some text"):
        parse("l #42", OPEN)


def test_unknown_or_malformed_lines_say_what_would_work() -> None:
    with pytest.raises(CommandLineError, match="unknown command"):
        parse("dispatch everyone", OPEN)
    with pytest.raises(CommandLineError, match="no open incident"):
        parse("o 9999", OPEN)
    with pytest.raises(CommandLineError, match="takes nothing"):
        parse("a now", OPEN)
    with pytest.raises(CommandLineError, match="type a command"):
        parse("   ", OPEN)


def test_completion_offers_verbs_then_references_then_grades() -> None:
    assert "grade" in completions("g", OPEN)
    assert completions("o LDN-20261123", OPEN) == [
        "o LDN-20261123-0007",
        "o LDN-20261123-0042",
    ]
    assert completions("g #4", OPEN) == ["g #42"]
    assert completions("g #42 ", OPEN) == [f"g #42 {g}" for g in "IPSR"]

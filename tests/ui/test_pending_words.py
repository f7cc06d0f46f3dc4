"""The Pending pane names fields in words, never by their keys (issue 19)."""

from __future__ import annotations

from ui.pending_dialog import answer, words


def test_keys_become_the_words_core_gives_them() -> None:
    assert words("priorTreatments") == "Prior treatments"
    assert words("prior_authorization") == "Prior authorization"
    assert words("rationale") == "Clinical rationale"
    assert words("vial_size") == "Vial size"


def test_a_dose_that_does_not_calculate_says_so() -> None:
    assert answer(None) == ["Not calculated: the dose as submitted gives no result."]

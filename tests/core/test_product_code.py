"""A chosen product bills under its own code (issue 8, item 2): `calc --json` and the
worksheet say so when it is billed under another code."""

from __future__ import annotations

import json

import pytest

from core.cli import run_command
from core.dose_input import DoseForm
from core.worksheet.content import worksheet_content
from core.worksheet.example import DOCUMENTATION, PRINTED_AT
from tests.shipped import evaluate


def test_calc_json_bills_the_products_own_code(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["calc", "--product", "Hizentra 20%", "--ordered", "12", "--administered", "12"]
    assert run_command([*args, "--diagnosis", "D80.1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["code"] == "J1559"
    assert [
        (line["hcpcs"], line["modifiers"], line["units"]) for line in result["claim_lines"]
    ] == [
        ("J1559", [], 24),
        ("J1559", ["JW"], 6),
    ]
    assert result["warnings"] == []


def test_calc_json_warns_when_the_product_is_billed_under_j1410(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["calc", "--product", "Octagam 5%", "--code", "J1410", "--ordered", "12"]
    assert run_command([*args, "--administered", "12", "--diagnosis", "D80.1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [w["id"] for w in result["warnings"]] == ["product-code"]


def test_the_worksheet_prints_the_product_code_warning() -> None:
    result = evaluate(
        DoseForm(code="J1410", product="Hizentra 20%", dose_ordered="12", administered="12")
    )
    content = worksheet_content(
        result, DOCUMENTATION, worksheet_id="W-000001", printed_at=PRINTED_AT
    )
    assert any("Hizentra 20% is billed under J1559, not J1410" in w for w in content.warnings)

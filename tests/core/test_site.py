"""The site: made once from the start-up's environment and options, passed to whatever
needs the data, closing what it opened; rules bill by the catalog it was given."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from core.catalog import CATALOG_FILE, load_catalog
from core.site import Site
from tests.cli_run import run_main


def test_options_win_over_the_environment_which_wins_over_the_defaults(tmp_path: Path) -> None:
    env = {
        "UNITCALC_DATA_DIR": str(tmp_path / "env"),
        "UNITCALC_DATABASE": "postgresql://env/db",
        "UNITCALC_IDLE_MINUTES": "7",
        "HOME": "/elsewhere",
    }
    site = Site.from_environment(env)
    assert site.data_dir == tmp_path / "env"
    assert site.database_url == "postgresql://env/db"
    assert site.idle_minutes == 7
    assert "HOME" not in site.settings  # only unitcalc's own settings are kept
    chosen = Site.from_environment(
        env, data_dir=tmp_path / "option", database="postgresql://option/db"
    )
    assert (chosen.data_dir, chosen.database_url) == (tmp_path / "option", "postgresql://option/db")
    assert not chosen.data_dir.exists()  # nothing is created by making a site


def test_the_environment_is_read_once_when_the_site_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNITCALC_BACKUP_EVERY", "3")
    site = Site.from_environment(os.environ, data_dir=tmp_path)
    monkeypatch.setenv("UNITCALC_BACKUP_EVERY", "9")
    monkeypatch.setenv("UNITCALC_DATABASE", "postgresql://later/db")
    assert site.backup_plan.every == 3
    assert site.database_url is None
    with site.open_records() as store:
        assert store.url is None and store.backup_plan.every == 3


def test_a_bad_database_setting_refuses_only_what_needs_the_database(tmp_path: Path) -> None:
    from core.accounts import AccountsUnavailableError
    from core.records import StoreUnavailableError

    site = Site(tmp_path, "mysql://nope")
    assert site.catalog.code("J1410").hcpcs == "J1410"  # no data needed: fine
    with pytest.raises(StoreUnavailableError, match="postgresql://"):
        site.open_records()
    with pytest.raises(AccountsUnavailableError, match="postgresql://"):
        site.open_accounts()


def test_stores_open_only_when_asked_and_close_with_the_site(tmp_path: Path) -> None:
    site = Site(tmp_path / "data")
    assert not (tmp_path / "data").exists()
    records = site.open_records()
    queue = site.open_queue()
    reference = site.reference()
    assert site.reference() is reference  # held open, not opened per question
    site.close()
    with pytest.raises(Exception, match="closed"):
        records.list()
    with pytest.raises(Exception, match="closed"):
        queue.pending()


def test_a_site_crosses_into_a_process_as_what_it_was_made_from(tmp_path: Path) -> None:
    import pickle

    site = Site(tmp_path, None, settings={"UNITCALC_BACKUP_KEEP": "4"})
    site.open_records()
    again = pickle.loads(pickle.dumps(site))
    assert (again.data_dir, again.database_url) == (site.data_dir, None)
    assert again.backup_plan.keep == 4
    site.close()


def custom_catalog(tmp_path: Path) -> Path:
    """The shipped catalog with J1410 billed per 10 mL instead of per 5 mL."""
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    for code in data["codes"]:
        if code["hcpcs"] == "J1410":
            code["dosage"]["amount"] = "10"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_rule_given_the_sites_catalog_uses_it_not_the_shipped_one(tmp_path: Path) -> None:
    from datetime import date

    from core.claim_review import as_billed
    from core.documentation import Documentation
    from core.dose_input import DoseForm
    from core.session import DoseSession
    from tests.shipped import evaluate

    site = Site(tmp_path, catalog=load_catalog(custom_catalog(tmp_path)))
    form = DoseForm(vial_size="10", dose_ordered="10", administered="10")
    assert evaluate(form, site.catalog, site.payers).units_administered == 1  # not 2
    session = DoseSession(site.catalog, site.payers)
    session.set_dose(form)
    assert session.result is not None and session.result.units_administered == 1
    assert session.result is not None
    billed, _checks = as_billed(
        session.result, Documentation(), route="IV", site=site, service_date=date.today()
    )
    assert billed.units_administered == 1


def test_worksheet_bills_by_the_catalog_option(tmp_path: Path) -> None:
    """Once, the worksheet's own calculation used the shipped catalog whatever --catalog
    said."""
    done = run_main(
        "worksheet",
        "--catalog",
        str(custom_catalog(tmp_path)),
        "--data-dir",
        str(tmp_path / "data"),
        "--vial-size",
        "10",
        "--ordered",
        "10",
        "--administered",
        "10",
        "--draft",
        "-o",
        str(tmp_path / "draft.pdf"),
    )
    assert done.returncode == 0, done.stderr
    calc = run_main(
        "calc", "--catalog", str(custom_catalog(tmp_path)), "--vial-size", "10", "--ordered", "10",
        "--administered", "10", "--json",
    )  # fmt: skip
    assert Decimal(str(json.loads(calc.stdout)["units_administered"])) == 1


def test_a_command_with_database_and_data_dir_never_touches_the_environment(
    tmp_path: Path,
) -> None:
    before = dict(os.environ)
    done = run_main(
        "users",
        "list",
        "--data-dir",
        str(tmp_path / "data"),
        "--database",
        "postgresql://127.0.0.1:1/unitcalc",  # nothing listens on port 1
    )
    assert done.returncode == 2 and "127.0.0.1:1" in done.stderr
    assert dict(os.environ) == before


def test_core_and_ui_read_the_environment_only_at_start_up() -> None:
    """``os.environ`` appears only where a site is made (and in Qt's own start-up)."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        "core/cli/__init__.py",  # the command line's start-up
        "ui/main_window.py",  # the window's start-up (when it is given no site)
        "ui/app.py",  # `uv run main.py`
        "ui/serial_paint.py",  # Qt's thread pool setting, before Qt starts
        "ui/screenshot.py",  # scripts: the offscreen platform
        "ui/audit_screenshot.py",
    }
    found = {
        str(path.relative_to(root))
        for folder in ("core", "ui")
        for path in (root / folder).rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8")
    }
    assert found <= allowed, found - allowed


def test_every_command_is_given_the_site() -> None:
    """Each command's ``run`` takes the arguments and the site made for it."""
    import argparse
    import inspect

    from core.cli import build_parser

    def runs(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, object]]:
        found = [(name, parser.get_default("run"))] if parser.get_default("run") else []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    found += runs(sub, f"{name} {sub_name}")
        return found

    found = runs(build_parser(), "main.py")
    assert len(found) >= 20
    for name, run in found:
        assert callable(run)
        assert list(inspect.signature(run).parameters) == ["args", "site"], name


def test_a_command_makes_its_site_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worksheet opens the records, the authorizations and the reference data, all
    through the one site its start-up made."""
    made: list[Site] = []
    real = Site.from_environment.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Site], *args: object, **kwargs: object) -> Site:
        made.append(real(cls, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(Site, "from_environment", classmethod(counted))
    done = run_main(
        "worksheet", "--data-dir", str(tmp_path / "data"), "--vial-size", "10",
        "--ordered", "12", "--administered", "12", "--auth", "PA-1", "--draft",
        "-o", str(tmp_path / "draft.pdf"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(made) == 1 and made[0].data_dir == tmp_path / "data"

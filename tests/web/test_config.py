"""The settings table: defaults, environment, overrides, clear errors."""

from __future__ import annotations

import pytest

from kiosk import config


def test_defaults() -> None:
    values = config.resolve({}, environ={})
    assert values["PORT"] == 8080 and values["HOST"] == "0.0.0.0"
    assert values["TIMEZONE"] == "Europe/Stockholm" and values["DEFAULT_LOCALE"] == "sv"


def test_environment_then_overrides() -> None:
    env = {"MOTESPLATS_PORT": "9000", "MOTESPLATS_DEMO_ON_EMPTY": "no"}
    values = config.resolve({"THREADS": "4"}, environ=env)
    assert values["PORT"] == 9000 and values["DEMO_ON_EMPTY"] is False and values["THREADS"] == 4


@pytest.mark.parametrize(
    "env",
    [
        {"MOTESPLATS_PORT": "eighty"},
        {"MOTESPLATS_TIMEZONE": "Mars/Olympus"},
        {"MOTESPLATS_THREADS": "0"},
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str]) -> None:
    with pytest.raises(config.ConfigError, match=next(iter(env))):
        config.resolve({}, environ=env)


def test_readme_settings_table_is_current() -> None:
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert config.markdown_table() in readme, "run: .venv/bin/python -m kiosk.config --readme"


def test_production_keeps_rfc_9106_password_cost_and_tests_lower_it() -> None:
    import os

    from argon2 import profiles

    from kiosk.volunteers.accounts import password_hasher

    production = config.resolve({}, environ={})["PASSWORD_PROFILE"]
    assert production == "RFC_9106_LOW_MEMORY"
    hasher = password_hasher(production)
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert hasher.time_cost == profiles.RFC_9106_LOW_MEMORY.time_cost
    assert password_hasher().memory_cost == 65536  # the default when nothing is said
    assert os.environ["MOTESPLATS_PASSWORD_PROFILE"] == "CHEAPEST"  # set by tests/conftest.py
    assert password_hasher("CHEAPEST").memory_cost < hasher.memory_cost
    with pytest.raises(config.ConfigError, match="PASSWORD_PROFILE"):
        config.resolve({}, environ={"MOTESPLATS_PASSWORD_PROFILE": "weak"})

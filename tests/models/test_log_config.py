"""``models.log_config``: JSON lines, and an error with its exception as fields on one line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from models.log_config import configure_logging, hot_path_logger
from models.settings import load_settings


@pytest.fixture(autouse=True)
def _logging_on_the_real_stderr_afterwards() -> Iterator[None]:
    """These tests point the process's logging at pytest's captured stderr, which is closed
    when the test ends; set up first, this is torn down after the capture, so it points the
    logging (and the hot path) back at the real stderr for the tests that follow."""
    yield
    configure_logging(load_settings(log_format="json"))


def test_json_format_writes_one_object_per_line_exceptions_included(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(load_settings(log_format="json"))
    log = logging.getLogger("fredpipe.test")
    log.info("stage finished", extra={"ignored": True})
    try:
        raise ValueError("bad value 42")
    except ValueError:
        log.exception("stage failed")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["stage finished", "stage failed"]
    error = lines[1]
    assert error["level"] == "error" and error["logger"] == "fredpipe.test"
    exception = error["exception"][0]
    assert exception["exc_type"] == "ValueError" and exception["exc_value"] == "bad value 42"
    assert exception["frames"], "the frames are fields, not a multi-line traceback"
    assert all("locals" not in frame for frame in exception["frames"]), (
        "local variables stay out of logs: they can hold passwords and tokens"
    )


def test_console_format_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(load_settings(log_format="console"))
    logging.getLogger("fredpipe.test").warning("careful")
    err = capsys.readouterr().err
    assert "careful" in err and not err.lstrip().startswith("{")


def test_the_hot_path_logger_writes_the_fields_every_other_line_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(load_settings(log_format="json"))
    logging.getLogger("fredpipe.test").info("usual")
    hot_path_logger("fredpipe.access").info("request", status=200, latency_ms=0.25)
    hot_path_logger("fredpipe.access").debug("below the level")
    usual, hot = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert set(usual) <= set(hot)
    assert (hot["event"], hot["level"], hot["logger"]) == ("request", "info", "fredpipe.access")
    assert (hot["status"], hot["latency_ms"]) == (200, 0.25)
    assert hot["timestamp"].endswith("Z") and usual["timestamp"].endswith("Z")


def test_the_hot_path_logger_follows_the_console_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(load_settings(log_format="console"))
    hot_path_logger("fredpipe.access").info("request", status=200)
    err = capsys.readouterr().err
    assert "request" in err and "status" in err and not err.lstrip().startswith("{")

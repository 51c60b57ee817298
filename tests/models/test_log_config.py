"""``models.log_config``: JSON lines, and an error with its exception as fields on one line."""

from __future__ import annotations

import json
import logging

import pytest

from models.log_config import configure_logging
from models.settings import load_settings


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


def test_console_format_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(load_settings(log_format="console"))
    logging.getLogger("fredpipe.test").warning("careful")
    err = capsys.readouterr().err
    assert "careful" in err and not err.lstrip().startswith("{")

"""Log records as the managed Lambda runtime formats them (its own JsonFormatter, awslambdaric).

With the JSON log format, Lambda filters application logs by the ``level`` of each line and
assigns INFO to a line without a valid RFC 3339 timestamp. Records that go through ``logging``
get both from the runtime's formatter, with every ``extra=`` field at the top level.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from awslambdaric.lambda_runtime_log_utils import JsonFormatter

from tests.unit.function.images import small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


@pytest.fixture
def runtime_lines(aws: Harness) -> Iterator[io.StringIO]:
    """The function's log lines as the runtime's JSON formatter writes them."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("png2jpg")
    logger.addHandler(handler)
    yield sink
    logger.removeHandler(handler)


def test_every_line_has_a_timestamp_a_level_and_its_fields_at_the_top(
    aws: Harness, runtime_lines: io.StringIO
) -> None:
    aws.put("pngfiles/a.png", small_png())
    aws.invoke(
        aws.record({"bucket": "images", "key": "pngfiles/a.png"}, "good"),
        aws.record({"bucket": "images", "key": "pngfiles/none.png"}, "bad"),
    )
    lines = [json.loads(line) for line in runtime_lines.getvalue().splitlines() if line.strip()]
    by_id = {line["messageId"]: line for line in lines if "messageId" in line}
    for line in lines:
        stamp = dt.datetime.fromisoformat(line["timestamp"])
        assert stamp.tzinfo is not None  # RFC 3339: with its offset
    assert (by_id["good"]["level"], by_id["good"]["outcome"]) == ("INFO", "converted")
    assert by_id["good"]["output_key"] == "jpgfiles/a.jpg"
    bad = by_id["bad"]
    assert (bad["level"], bad["outcome"], bad["error_class"]) == ("ERROR", "failed", "permanent")
    assert bad["message"] == "s3://images/pngfiles/none.png does not exist (NoSuchKey)"
    assert bad["key"] == "pngfiles/none.png"

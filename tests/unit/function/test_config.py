"""Environment variables: defaults, parsing, and clear errors for bad values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from png2jpg.config import Config, ConfigError, load_config
from png2jpg.handler import lambda_handler
from tests.unit.function.images import small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq"
REQUIRED = {"ALLOWED_BUCKETS": "images", "DLQ_URL": DLQ}


def test_defaults_need_only_the_allowed_bucket_and_the_dlq() -> None:
    config = load_config(REQUIRED)
    assert config == Config(
        allowed_buckets=frozenset({"images"}),
        dlq_url=DLQ,
        input_prefix="pngfiles/",
        output_prefix="jpgfiles/",
        jpeg_quality=85,
        max_pixels=40_000_000,
        max_input_bytes=50 * 1024 * 1024,
        matte_color=(255, 255, 255),
        max_workers=4,
        metrics_namespace="png2jpg",
        max_receive_count=None,  # the function never quarantines what the redrive policy moves
    )


def test_every_variable_is_read() -> None:
    config = load_config(
        {
            "ALLOWED_BUCKETS": " images , archive ,",
            "DLQ_URL": "http://127.0.0.1:4566/000000000000/png2jpg-dlq.fifo",
            "INPUT_PREFIX": "in/",
            "OUTPUT_PREFIX": "out/",
            "JPEG_QUALITY": "95",
            "MAX_PIXELS": "1000",
            "MAX_INPUT_BYTES": "2048",
            "MATTE_COLOR": "#10A0fF",
            "MAX_WORKERS": "16",
            "METRICS_NAMESPACE": "Images/png2jpg",
            "MAX_RECEIVE_COUNT": "3",
        }
    )
    assert config == Config(
        allowed_buckets=frozenset({"images", "archive"}),
        dlq_url="http://127.0.0.1:4566/000000000000/png2jpg-dlq.fifo",
        input_prefix="in/",
        output_prefix="out/",
        jpeg_quality=95,
        max_pixels=1000,
        max_input_bytes=2048,
        matte_color=(0x10, 0xA0, 0xFF),
        max_workers=16,
        metrics_namespace="Images/png2jpg",
        max_receive_count=3,
    )
    assert config.bucket_allowed("archive")
    assert not config.bucket_allowed("other")


def test_star_accepts_any_bucket() -> None:
    config = load_config({**REQUIRED, "ALLOWED_BUCKETS": "*"})
    assert config.allowed_buckets is None
    assert config.bucket_allowed("anything")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ALLOWED_BUCKETS": ""}, "ALLOWED_BUCKETS is not set"),
        ({"ALLOWED_BUCKETS": " , "}, "ALLOWED_BUCKETS is not set"),
        ({"DLQ_URL": ""}, "DLQ_URL is not set: give the URL of the dead-letter queue"),
        ({"DLQ_URL": "png2jpg-dlq"}, "DLQ_URL must be the URL of the dead-letter queue"),
        ({"DLQ_URL": "arn:aws:sqs:us-east-1:123456789012:dlq"}, "DLQ_URL must be the URL"),
        ({"METRICS_NAMESPACE": "AWS/Lambda"}, "METRICS_NAMESPACE must be a CloudWatch namespace"),
        ({"METRICS_NAMESPACE": "x" * 256}, "METRICS_NAMESPACE must be a CloudWatch namespace"),
        ({"METRICS_NAMESPACE": "a$b"}, "METRICS_NAMESPACE must be a CloudWatch namespace"),
        ({"ALLOWED_BUCKETS": "*,images"}, "mixes '\\*' with bucket names"),
        ({"JPEG_QUALITY": "0"}, "JPEG_QUALITY must be an integer from 1 to 95, got '0'"),
        ({"JPEG_QUALITY": "96"}, "JPEG_QUALITY must be an integer from 1 to 95, got '96'"),
        ({"JPEG_QUALITY": "high"}, "JPEG_QUALITY must be an integer from 1 to 95"),
        ({"MAX_PIXELS": "0"}, "MAX_PIXELS must be an integer of at least 1"),
        ({"MAX_INPUT_BYTES": "1.5"}, "MAX_INPUT_BYTES must be an integer of at least 1"),
        ({"MAX_WORKERS": "65"}, "MAX_WORKERS must be an integer from 1 to 64"),
        ({"MAX_RECEIVE_COUNT": "0"}, "MAX_RECEIVE_COUNT must be an integer from 1 to 1000"),
        ({"MAX_RECEIVE_COUNT": "1001"}, "MAX_RECEIVE_COUNT must be an integer from 1 to 1000"),
        ({"MATTE_COLOR": "white"}, "MATTE_COLOR must be a colour like #rrggbb, got 'white'"),
        ({"MATTE_COLOR": "#fff"}, "MATTE_COLOR must be a colour like #rrggbb"),
        ({"INPUT_PREFIX": "pngfiles"}, "INPUT_PREFIX/OUTPUT_PREFIX: .* must be non-empty"),
        ({"OUTPUT_PREFIX": "pngfiles/out/"}, "INPUT_PREFIX/OUTPUT_PREFIX: .* overlap"),
        ({"INPUT_PREFIX": "x/", "OUTPUT_PREFIX": "x/"}, "overlap"),
    ],
)
def test_bad_values_raise_a_clear_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({**REQUIRED, **environ})


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"JPEG_QUALITY": "0", "MAX_WORKERS": "0", "MATTE_COLOR": "red"})
    for name in ("ALLOWED_BUCKETS", "DLQ_URL", "JPEG_QUALITY", "MAX_WORKERS", "MATTE_COLOR"):
        assert name in str(raised.value)


def test_bad_configuration_fails_the_whole_invocation(
    aws: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPEG_QUALITY", "100")
    aws.put("pngfiles/a.png", small_png())
    with pytest.raises(ConfigError, match="JPEG_QUALITY"):
        lambda_handler(
            {"Records": [aws.record({"bucket": "images", "key": "pngfiles/a.png"})]}, None
        )
    assert not aws.exists("jpgfiles/a.jpg")

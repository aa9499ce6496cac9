"""Environment variables: defaults, parsing, and clear errors for bad values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from png2jpg.config import Config, ConfigError, load_config
from png2jpg.handler import lambda_handler
from tests.unit.function.images import small_png

if TYPE_CHECKING:
    from tests.unit.function.conftest import Harness


def test_defaults_need_only_the_allowed_bucket() -> None:
    config = load_config({"ALLOWED_BUCKETS": "images"})
    assert config == Config(
        allowed_buckets=frozenset({"images"}),
        input_prefix="pngfiles/",
        output_prefix="jpgfiles/",
        jpeg_quality=85,
        max_pixels=40_000_000,
        max_input_bytes=50 * 1024 * 1024,
        matte_color=(255, 255, 255),
        max_workers=4,
        max_receive_count=None,
    )


def test_every_variable_is_read() -> None:
    config = load_config(
        {
            "ALLOWED_BUCKETS": " images , archive ,",
            "INPUT_PREFIX": "in/",
            "OUTPUT_PREFIX": "out/",
            "JPEG_QUALITY": "95",
            "MAX_PIXELS": "1000",
            "MAX_INPUT_BYTES": "2048",
            "MATTE_COLOR": "#10A0fF",
            "MAX_WORKERS": "16",
            "MAX_RECEIVE_COUNT": "5",
        }
    )
    assert config == Config(
        allowed_buckets=frozenset({"images", "archive"}),
        input_prefix="in/",
        output_prefix="out/",
        jpeg_quality=95,
        max_pixels=1000,
        max_input_bytes=2048,
        matte_color=(0x10, 0xA0, 0xFF),
        max_workers=16,
        max_receive_count=5,
    )
    assert config.bucket_allowed("archive")
    assert not config.bucket_allowed("other")


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("  ", None), ("1", 1), (" 10 ", 10)])
def test_max_receive_count_is_optional(raw: str, expected: int | None) -> None:
    config = load_config({"ALLOWED_BUCKETS": "images", "MAX_RECEIVE_COUNT": raw})
    assert config.max_receive_count == expected


def test_star_accepts_any_bucket() -> None:
    config = load_config({"ALLOWED_BUCKETS": "*"})
    assert config.allowed_buckets is None
    assert config.bucket_allowed("anything")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "ALLOWED_BUCKETS is not set"),
        ({"ALLOWED_BUCKETS": " , "}, "ALLOWED_BUCKETS is not set"),
        ({"ALLOWED_BUCKETS": "*,images"}, "mixes '\\*' with bucket names"),
        ({"JPEG_QUALITY": "0"}, "JPEG_QUALITY must be an integer from 1 to 95, got '0'"),
        ({"JPEG_QUALITY": "96"}, "JPEG_QUALITY must be an integer from 1 to 95, got '96'"),
        ({"JPEG_QUALITY": "high"}, "JPEG_QUALITY must be an integer from 1 to 95"),
        ({"MAX_PIXELS": "0"}, "MAX_PIXELS must be an integer of at least 1"),
        ({"MAX_INPUT_BYTES": "1.5"}, "MAX_INPUT_BYTES must be an integer of at least 1"),
        ({"MAX_WORKERS": "65"}, "MAX_WORKERS must be an integer from 1 to 64"),
        ({"MAX_RECEIVE_COUNT": "0"}, "MAX_RECEIVE_COUNT must be an integer of at least 1, got '0'"),
        ({"MAX_RECEIVE_COUNT": "-3"}, "MAX_RECEIVE_COUNT must be an integer of at least 1"),
        ({"MAX_RECEIVE_COUNT": "three"}, "MAX_RECEIVE_COUNT must be an integer of at least 1"),
        ({"MAX_RECEIVE_COUNT": "2.5"}, "MAX_RECEIVE_COUNT must be an integer of at least 1"),
        ({"MATTE_COLOR": "white"}, "MATTE_COLOR must look like #rrggbb, got 'white'"),
        ({"MATTE_COLOR": "#fff"}, "MATTE_COLOR must look like #rrggbb"),
        ({"INPUT_PREFIX": "pngfiles"}, "INPUT_PREFIX/OUTPUT_PREFIX: .* must be non-empty"),
        ({"OUTPUT_PREFIX": "pngfiles/out/"}, "INPUT_PREFIX/OUTPUT_PREFIX: .* overlap"),
        ({"INPUT_PREFIX": "x/", "OUTPUT_PREFIX": "x/"}, "overlap"),
    ],
)
def test_bad_values_raise_a_clear_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({"ALLOWED_BUCKETS": "images", **environ} if environ else {})


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"JPEG_QUALITY": "0", "MAX_WORKERS": "0", "MATTE_COLOR": "red"})
    for name in ("ALLOWED_BUCKETS", "JPEG_QUALITY", "MAX_WORKERS", "MATTE_COLOR"):
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

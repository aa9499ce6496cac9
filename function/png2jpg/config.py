"""The function's environment variables, parsed and validated once per container.

===================  ==============  =========================================================
variable             default         meaning
===================  ==============  =========================================================
ALLOWED_BUCKETS      (required)      comma-separated bucket names the function acts on, or ``*``
DLQ_URL              (required)      URL of the queue's dead-letter queue: permanent failures
                                     are sent there at once, with their reason
INPUT_PREFIX         ``pngfiles/``   keys outside it are rejected
OUTPUT_PREFIX        ``jpgfiles/``   where JPEGs are written; must not overlap INPUT_PREFIX
JPEG_QUALITY         ``85``          1 to 95
MAX_PIXELS           ``40000000``    decompression-bomb limit, width x height of the PNG
MAX_INPUT_BYTES      ``52428800``    larger objects (50 MiB) are refused before download
MATTE_COLOR          ``#ffffff``     ``#rrggbb`` that transparent pixels are flattened onto
MAX_WORKERS          ``4``           records converted at once, 1 to 64
METRICS_NAMESPACE    ``png2jpg``     CloudWatch namespace of the embedded metrics
MAX_RECEIVE_COUNT    (unset)         the queue's maxReceiveCount, 1 to 1000: a record returned
                                     on its last receive goes to the DLQ by the function, with
                                     its reason (FIFO queues; redriven messages); unset: never
===================  ==============  =========================================================

ALLOWED_BUCKETS has no default on purpose: a message names its bucket, so without an allow-list
anyone who can send to the queue could make the function read and write any bucket its role
reaches. Unset or empty is a configuration error; ``*`` accepts any bucket and is logged as a
warning at cold start, for deployments that rely on IAM alone.

Memory: records decode one after another once their sum would exceed one MAX_PIXELS image
(:mod:`png2jpg.budget`), so MAX_WORKERS adds threads, not memory, beyond the downloads waiting
for their turn. The figure to size the function by is measured in docs/benchmarks.md.

Invalid values raise :class:`ConfigError` naming every bad variable, on the first invocation of a
fresh container, so the problem shows in the log before any message is touched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from png2jpg.message import check_prefixes

DEFAULT_INPUT_PREFIX = "pngfiles/"
DEFAULT_OUTPUT_PREFIX = "jpgfiles/"
DEFAULT_JPEG_QUALITY = 85
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024
DEFAULT_MATTE_COLOR = (255, 255, 255)
DEFAULT_MAX_WORKERS = 4
DEFAULT_METRICS_NAMESPACE = "png2jpg"

_HEX_COLOR = re.compile(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")
_QUEUE_URL = re.compile(r"https?://[^/\s]+/\d{12}/[A-Za-z0-9_-]{1,80}(\.fifo)?")
# CloudWatch namespaces: 1 to 255 of these characters; "AWS/" is reserved for AWS's own.
_NAMESPACE = re.compile(r"(?!AWS/)[A-Za-z0-9 ._/#:-]{1,255}")


class ConfigError(ValueError):
    """One or more environment variables are missing or invalid."""


@dataclass(frozen=True)
class Config:
    """Validated settings; ``allowed_buckets`` is None when any bucket is accepted (``*``)."""

    allowed_buckets: frozenset[str] | None
    dlq_url: str
    input_prefix: str = DEFAULT_INPUT_PREFIX
    output_prefix: str = DEFAULT_OUTPUT_PREFIX
    jpeg_quality: int = DEFAULT_JPEG_QUALITY
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    matte_color: tuple[int, int, int] = DEFAULT_MATTE_COLOR
    max_workers: int = DEFAULT_MAX_WORKERS
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE
    max_receive_count: int | None = None

    def bucket_allowed(self, bucket: str) -> bool:
        """Whether the function may read from and write to ``bucket``."""
        return self.allowed_buckets is None or bucket in self.allowed_buckets


def load_config(environ: Mapping[str, str]) -> Config:
    """Build a :class:`Config` from the environment; raise ConfigError listing every problem."""
    problems: list[str] = []

    def integer(name: str, default: int, low: int, high: int | None = None) -> int:
        raw = environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            allowed = f"from {low} to {high}" if high is not None else f"of at least {low}"
            problems.append(f"{name} must be an integer {allowed}, got {raw!r}")
            return default
        return value

    def matching(name: str, pattern: re.Pattern[str], default: str, rule: str) -> str:
        raw = environ.get(name, "").strip()
        if not raw:
            if not default:
                problems.append(f"{name} is not set: give {rule}")
            return default
        if pattern.fullmatch(raw) is None:
            problems.append(f"{name} must be {rule}, got {raw!r}")
            return default
        return raw

    input_prefix = environ.get("INPUT_PREFIX", "") or DEFAULT_INPUT_PREFIX
    output_prefix = environ.get("OUTPUT_PREFIX", "") or DEFAULT_OUTPUT_PREFIX
    try:
        check_prefixes(input_prefix, output_prefix)
    except ValueError as exc:
        problems.append(f"INPUT_PREFIX/OUTPUT_PREFIX: {exc}")

    matte = DEFAULT_MATTE_COLOR
    raw_matte = matching("MATTE_COLOR", _HEX_COLOR, "#ffffff", "a colour like #rrggbb")
    if match := _HEX_COLOR.fullmatch(raw_matte):
        matte = (int(match[1], 16), int(match[2], 16), int(match[3], 16))

    config = Config(
        allowed_buckets=_allowed_buckets(environ.get("ALLOWED_BUCKETS", ""), problems),
        dlq_url=matching(
            "DLQ_URL", _QUEUE_URL, "", "the URL of the dead-letter queue (an SQS queue URL)"
        ),
        input_prefix=input_prefix,
        output_prefix=output_prefix,
        jpeg_quality=integer("JPEG_QUALITY", DEFAULT_JPEG_QUALITY, 1, 95),
        max_pixels=integer("MAX_PIXELS", DEFAULT_MAX_PIXELS, 1),
        max_input_bytes=integer("MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES, 1),
        matte_color=matte,
        max_workers=integer("MAX_WORKERS", DEFAULT_MAX_WORKERS, 1, 64),
        metrics_namespace=matching(
            "METRICS_NAMESPACE",
            _NAMESPACE,
            DEFAULT_METRICS_NAMESPACE,
            "a CloudWatch namespace (1 to 255 of A-Z a-z 0-9 space . _ / # : -, not AWS/...)",
        ),
        max_receive_count=integer("MAX_RECEIVE_COUNT", 0, 1, 1000) or None,  # 0: unset
    )
    if problems:
        raise ConfigError("invalid configuration: " + "; ".join(problems))
    return config


def _allowed_buckets(raw: str, problems: list[str]) -> frozenset[str] | None:
    names = frozenset(name.strip() for name in raw.split(",") if name.strip())
    if not names:
        problems.append(
            "ALLOWED_BUCKETS is not set: give the image bucket name(s), comma-separated, "
            "or '*' to accept any bucket the function's role can reach"
        )
    elif "*" in names:
        if len(names) > 1:
            problems.append(f"ALLOWED_BUCKETS mixes '*' with bucket names: {raw!r}")
        return None
    return names

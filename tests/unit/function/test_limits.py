"""The limits docs/operations.md states are the code's and Terraform's: each figure is the constant
that enforces it, and the queues leave the quarantine the room its attributes need."""

from __future__ import annotations

import re

import hcl2

from png2jpg.chunks import (
    MAX_ICC_PROFILE_BYTES,
    MAX_IMAGE_DATA_CHUNKS,
    MAX_METADATA_BYTES,
    MAX_METADATA_CHUNKS,
    MIN_IMAGE_DATA_CHUNK_BYTES,
)
from png2jpg.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_PIXELS
from png2jpg.convert import JPEG_MAX_SIDE
from png2jpg.message import MAX_KEY_BYTES, MAX_RECORDS
from png2jpg.quarantine import ATTRIBUTE_ROOM, DLQ_MAX_MESSAGE_BYTES, MAX_ERROR_MESSAGE
from scripts.terraform_docs import OPTIONS, ROOT, TERRAFORM

OPERATIONS = ROOT / "docs" / "operations.md"


def readme_limits() -> dict[str, str]:
    """The limits table of docs/operations.md: what -> limit."""
    section = OPERATIONS.read_text().split("**Limits.**", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return {what.removeprefix("| "): limit for what, limit, _ in rows[1:]}


def queue_sizes() -> tuple[int, int]:
    """The source queue's and the DLQ's max_message_size, as the queue module sets them."""
    with (TERRAFORM / "modules" / "queue" / "main.tf").open() as file:
        local = {k: v for block in hcl2.load(file, serialization_options=OPTIONS)["locals"]
                 for k, v in block.items()}  # fmt: skip
    dlq = local["dlq_max_message_size"]
    room = re.fullmatch(r"\$\{local\.dlq_max_message_size - (\d+)\}", local["max_message_size"])
    assert room, local["max_message_size"]
    return dlq - int(room[1]), dlq


def test_the_docs_state_the_limits_the_code_enforces() -> None:
    queue, dlq = queue_sizes()
    assert readme_limits() == {
        "PNG size": f"`max_input_bytes`, default {DEFAULT_MAX_INPUT_BYTES:,} bytes (50 MiB)",
        "pixels": f"`max_pixels`, default {DEFAULT_MAX_PIXELS:,}",
        "side": f"{JPEG_MAX_SIDE:,} pixels",
        "chunks besides the image data": f"{MAX_METADATA_CHUNKS:,}",
        "image data chunks": f"{MAX_IMAGE_DATA_CHUNKS:,}, and beyond that "
        f"{MIN_IMAGE_DATA_CHUNK_BYTES:,} bytes each on average",
        "metadata": f"{MAX_METADATA_BYTES:,} bytes (16 MiB) besides the image data, before and "
        "after it together",
        "ICC profile kept": f"{MAX_ICC_PROFILE_BYTES:,} bytes (4 MiB)",
        "records per message": f"{MAX_RECORDS}",
        "output key": f"{MAX_KEY_BYTES:,} bytes (UTF-8)",
        "message size": f"{queue:,} bytes on the queue, {dlq:,} on the DLQ",
    }
    assert (MAX_METADATA_BYTES, MAX_ICC_PROFILE_BYTES) == (16 * 1024 * 1024, 4 * 1024 * 1024)


def test_the_queues_leave_room_for_the_quarantines_attributes() -> None:
    queue, dlq = queue_sizes()
    assert dlq == DLQ_MAX_MESSAGE_BYTES
    assert dlq - queue == ATTRIBUTE_ROOM
    # ErrorClass and a whole ErrorMessage of 4-byte characters fit in the room.
    attributes = len("ErrorClassStringpermanent") + len("ErrorMessageString")
    assert attributes + 4 * MAX_ERROR_MESSAGE <= ATTRIBUTE_ROOM
    assert f"the {ATTRIBUTE_ROOM:,} bytes between them" in OPERATIONS.read_text()

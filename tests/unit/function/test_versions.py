"""The order of a PNG's versions and what a JPEG's metadata records of its source."""

from __future__ import annotations

import datetime as dt

import pytest

from png2jpg.versions import Version, is_newer, jpeg_metadata, recorded_version, version

T0 = dt.datetime(2026, 11, 29, 9, 0, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def never_asked() -> str:
    raise AssertionError("S3 is asked which version it serves only on a tie")


def test_the_later_last_modified_is_newer_whatever_the_etags() -> None:
    old, new = Version("ffff", T0), Version("0000", T0 + SECOND)
    assert is_newer(new, old, never_asked)
    assert not is_newer(old, new, never_asked)


def test_the_same_etag_is_never_newer() -> None:
    assert not is_newer(Version("a", T0 + SECOND), Version("a", T0), never_asked)


@pytest.mark.parametrize(
    ("served", "ours_wins"),
    [("ours", True), ("theirs", False), ("a third", False)],
)
def test_a_tie_within_one_second_goes_to_the_version_s3_serves_then_to_the_larger_etag(
    served: str, ours_wins: bool
) -> None:
    ours, theirs = Version("1111", T0), Version("2222", T0)
    etag = {"ours": "1111", "theirs": "2222", "a third": "3333"}[served]
    assert is_newer(ours, theirs, lambda: etag) is ours_wins
    assert is_newer(theirs, ours, lambda: etag) is not ours_wins  # a total order: one wins


def test_a_jpeg_that_records_no_version_or_no_time_is_older_than_any_version() -> None:
    ours = Version("1111", T0)
    assert is_newer(ours, None, never_asked)
    assert is_newer(ours, Version("2222"), never_asked)  # written by an earlier release
    assert not is_newer(Version("2222"), ours, never_asked)


def test_versions_are_read_to_the_second_in_utc_from_s3_answers() -> None:
    local = dt.datetime(2026, 11, 29, 10, 0, 0, 750_000, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert version('"abc"', local) == Version("abc", T0)


def test_the_metadata_records_the_version_and_reads_back() -> None:
    source = Version("abc", T0)
    metadata = jpeg_metadata("pngfiles/a b.png", source)
    assert metadata == {
        "source-key": "pngfiles/a%20b.png",
        "source-etag": "abc",
        "source-last-modified": "2026-11-29T09:00:00Z",
    }
    assert recorded_version(metadata) == source


@pytest.mark.parametrize(
    ("metadata", "recorded"),
    [
        ({}, None),
        ({"source-key": "pngfiles/a.png"}, None),
        ({"source-etag": "abc"}, Version("abc")),
        ({"source-etag": "abc", "source-last-modified": "yesterday"}, Version("abc")),
    ],
    ids=["nothing", "no-etag", "earlier-release", "unreadable-time"],
)
def test_metadata_without_a_full_version_reads_as_what_it_holds(
    metadata: dict[str, str], recorded: Version | None
) -> None:
    assert recorded_version(metadata) == recorded

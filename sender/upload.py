"""Uploading one PNG file to S3, after checking that it is one."""

import hashlib
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from sender.files import Item, png_problem


@dataclass(frozen=True)
class Uploaded:
    """What happened to one file: ``skipped`` (not sent, not an error of the pipeline),
    ``failed`` (the upload failed) or neither (uploaded; ``sha256`` set when asked for)."""

    item: Item
    skipped: str | None = None
    failed: str | None = None
    sha256: str | None = None


def upload(s3: Any, bucket: str, item: Item, *, want_hash: bool = False) -> Uploaded:
    """Check the PNG signature of ``item`` and stream it to ``s3://bucket/key``.

    With ``want_hash`` the file's sha256 is computed too (for FIFO deduplication ids).
    Never raises for a problem with this one file: the outcome says what happened.
    """
    try:
        with item.path.open("rb") as stream:
            problem = png_problem(stream)
            if problem:
                return Uploaded(item, skipped=problem)
            stream.seek(0)
            digest = hashlib.file_digest(stream, "sha256").hexdigest() if want_hash else None
            stream.seek(0)
            s3.put_object(Bucket=bucket, Key=item.key, Body=stream, ContentType="image/png")
    except FileNotFoundError:
        return Uploaded(item, skipped="no such file")
    except OSError as error:
        return Uploaded(item, skipped=f"cannot read ({error.strerror or error})")
    except (ClientError, BotoCoreError) as error:
        return Uploaded(item, failed=f"upload to s3://{bucket}/{item.key} failed: {error}")
    return Uploaded(item, sha256=digest)

"""The files a run need not send: S3 holds their bytes and a JPEG made from them.

Two listings decide, a request per 1,000 objects each and none per file: the run's key range
under the input prefix (size, ETag, checksum algorithm of each PNG) and its output keys' range
(the JPEGs' LastModified). A file is unchanged when

- S3 has an object under its key of the file's size, holding the file's bytes: its ETag is the
  file's MD5 (an object put in one request without SSE-KMS, as the sender puts them), else the
  SHA-256 checksum S3 verified when the sender uploaded it matches the file's (SSE-KMS makes the
  ETag something else than the MD5, multipart uploads by other tools too; this costs a HEAD
  request per such file, and an object with neither is sent again);
- and the JPEG under its output key was written no earlier than that object (its LastModified),
  so the function made it from that version or a later one.

A file whose size differs is sent without being read; the others are read once (twice when the
SHA-256 is needed). A listing S3 refuses (no s3:ListBucket) makes every file count as changed.
The two listings run at once.
"""

import base64
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from png2jpg.message import output_key
from sender.destination import Destination
from sender.files import File, SkipError, open_png
from sender.listing import list_range

CHECKSUM = "SHA256"  # the checksum the sender asks S3 to verify and keep with each upload


def find_unchanged(
    s3: Any, where: Destination, files: list[File], workers: int, warn: Callable[[str], None]
) -> list[File]:
    """The files of ``files`` that are unchanged, in order. If S3 refuses the listings (403, no
    s3:ListBucket), ``warn`` gets a line and none is; other errors are raised."""
    prefixes = where.input_prefix, where.output_prefix
    targets = {file: output_key(file.key, *prefixes) for file in files}
    with ThreadPoolExecutor(workers, thread_name_prefix="compare") as pool:
        listings = [
            pool.submit(list_range, s3, where.bucket, keys)
            for keys in ([file.key for file in files], list(targets.values()))
        ]
        try:
            pngs, jpegs = (listing.result() for listing in listings)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 403:
                raise
            warn(f"cannot list s3://{where.bucket} to find unchanged files ({error}): sending all")
            return []
        held = [(file, pngs.get(file.key), jpegs.get(targets[file])) for file in files]
        same = list(pool.map(lambda args: _holds(s3, where.bucket, *args), held))
    return [file for file, unchanged in zip(files, same, strict=True) if unchanged]


def _holds(s3: Any, bucket: str, file: File, png: Any, jpeg: Any) -> bool:
    """Whether ``png`` (its listing entry) holds the file's bytes and ``jpeg`` was written since."""
    if png is None or jpeg is None or jpeg["LastModified"] < png["LastModified"]:
        return False
    try:
        if file.path.stat().st_size != png["Size"]:
            return False
        if digest(file, "md5").hex() == png["ETag"].strip('"'):
            return True
        if CHECKSUM not in png.get("ChecksumAlgorithm", ()):
            return False
        kept = s3.head_object(Bucket=bucket, Key=file.key, ChecksumMode="ENABLED")
        sha256 = base64.b64encode(digest(file, "sha256")).decode()
    except (OSError, SkipError, BotoCoreError, ClientError):
        return False  # sent: the upload says what is wrong, if anything
    return kept.get(f"Checksum{CHECKSUM}") == sha256


def digest(file: File, algorithm: str) -> bytes:
    """The digest of the file's bytes; :class:`SkipError` if it is not a readable PNG file."""
    with open_png(file.path) as stream:
        return hashlib.file_digest(stream, algorithm).digest()

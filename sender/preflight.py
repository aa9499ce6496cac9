"""The AWS setup: clients, one line per mistake in it, and ``python -m sender.preflight``, which
checks region, credentials and AWS_ENDPOINT_URL without an AWS call (one line and exit 1, or 0)."""

import os
import re
import sys
import urllib.error
import urllib.request
from typing import Any

import boto3
from botocore import exceptions as aws
from botocore.config import Config

from sender.destination import UsageError

NO_REGION = "no AWS region: set AWS_REGION (e.g. AWS_REGION=us-east-1) or one in your AWS profile"
NO_CREDENTIALS = (
    "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    " (any value, e.g. test, for LocalStack)"
)
# sqs.<region>.amazonaws.com, as in the queue URLs of AWS and LocalStack.
_REGION_IN_URL = re.compile(r"[/.]sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")
_REFUSED = {"InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"}
# A principal allowed to send but not to look: S3's HeadBucket has no body (403), SQS says why.
_DENIED = {"403", "AccessDenied", "AccessDeniedException"}


def client(
    service: str,
    queue_url: str | None = None,
    connections: int = 10,
    shared: boto3.session.Session | None = None,
) -> Any:
    """A thread-safe client with standard retries and ``connections`` pooled connections.

    The region is the usual settings' (``AWS_REGION`` included, which boto3 alone ignores), else
    the one ``queue_url`` names (``https://sqs.eu-west-1.amazonaws.com/...``). Clients made from
    one ``shared`` :func:`session` share what it loaded once (credentials, endpoint rules).
    """
    source, named = shared or session(), _REGION_IN_URL.search(queue_url or "")
    region = source.region_name or (named.group(1) if named else None)
    config = Config(retries={"mode": "standard"}, max_pool_connections=connections)
    return source.client(service, region_name=region, config=config)


def check_usable(s3: Any, bucket: str, sqs: Any, queue_url: str | None) -> None:
    """Check the queue (if any) and the bucket once, rather than failing every file the same way.

    A sender in another account may put objects and send messages and do nothing else (the
    module's sender_principals): a refusal to read the queue's attributes or to list the bucket
    is no reason to stop, every other error is.
    """
    if queue_url:
        attributes = {"QueueUrl": queue_url, "AttributeNames": ["QueueArn"]}
        _check(f"queue {queue_url}", sqs.get_queue_attributes, attributes)
    _check(f"bucket {bucket}", s3.head_bucket, {"Bucket": bucket})


def _check(what: str, call: Any, arguments: dict[str, Any]) -> None:
    """Make one call; raise RuntimeError for any error but a refusal (see check_usable)."""
    try:
        call(**arguments)
    except (aws.BotoCoreError, aws.ClientError) as error:
        if _code(error) not in _DENIED:
            raise RuntimeError(explain(error) or f"{what}: {error}") from error


def explain(error: Exception) -> str | None:
    """One line naming what to set or start, for a mistake in the AWS setup; None otherwise."""
    if isinstance(error, aws.NoRegionError):
        return NO_REGION
    if isinstance(error, aws.NoCredentialsError | aws.PartialCredentialsError):
        return NO_CREDENTIALS
    if isinstance(error, aws.EndpointConnectionError | aws.ConnectTimeoutError):
        where = error.kwargs.get("endpoint_url")
        if os.environ.get("AWS_ENDPOINT_URL"):
            return f"nothing answers at {where}: start it, or correct AWS_ENDPOINT_URL"
        return f"cannot connect to {where}: check the network and the region"
    if _code(error) in _REFUSED:
        return f"AWS refused the credentials ({error}): check AWS_PROFILE or the access keys"
    return None


def failure(error: Exception, command: str) -> tuple[str, int]:
    """The one line and the exit status (2 for usage, else 1) that end ``command`` on ``error``."""
    if isinstance(error, UsageError):
        return f"{error} (see {command} --help)", 2
    return explain(error) or str(error), 1


def problem() -> str | None:
    """The first mistake in the AWS setup, as one line; None when there is none."""
    settings, endpoint = session(), os.environ.get("AWS_ENDPOINT_URL")
    if settings.region_name is None:
        return NO_REGION
    if settings.get_credentials() is None:
        return NO_CREDENTIALS
    try:
        if endpoint:
            urllib.request.urlopen(endpoint, timeout=5).close()  # noqa: S310 (the user's endpoint)
    except urllib.error.HTTPError:
        pass  # it answered
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"nothing answers at AWS_ENDPOINT_URL={endpoint} ({reason}): start it, or unset it"
    return None


def _code(error: Exception) -> str | None:
    return (
        error.response.get("Error", {}).get("Code") if isinstance(error, aws.ClientError) else None
    )


def session() -> boto3.session.Session:
    """A session with the usual settings, ``AWS_REGION`` included."""
    # boto3 reads AWS_DEFAULT_REGION and the profile; Terraform, Lambda and other SDKs AWS_REGION.
    region = None if os.environ.get("AWS_DEFAULT_REGION") else os.environ.get("AWS_REGION")
    return boto3.session.Session(region_name=region)


if __name__ == "__main__":
    found = problem()
    if found:
        print(f"preflight: {found}", file=sys.stderr)
    raise SystemExit(1 if found else 0)

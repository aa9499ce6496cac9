"""The AWS setup: clients, one line per mistake in it, and ``python -m sender.preflight``.

The preflight checks, without any AWS call, that a region and credentials are set and, when
AWS_ENDPOINT_URL is set, that something answers there. It prints one line naming what to set and
exits 1, or exits 0 silently. The Makefile's deploy, destroy and redrive run it first.
"""

import os
import re
import sys
import urllib.error
import urllib.request
from typing import Any

import boto3
from botocore import exceptions as aws
from botocore.config import Config

NO_REGION = "no AWS region: set AWS_REGION (e.g. AWS_REGION=us-east-1) or one in your AWS profile"
NO_CREDENTIALS = (
    "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    " (any value, e.g. test, for LocalStack)"
)
# sqs.<region>.amazonaws.com, as in the queue URLs of AWS and LocalStack.
_REGION_IN_URL = re.compile(r"[/.]sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")
_REFUSED = {"InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"}


def client(service: str, queue_url: str | None = None, connections: int = 10) -> Any:
    """A thread-safe client with standard retries and ``connections`` pooled connections.

    The region is the usual settings' (``AWS_REGION`` included, which boto3 alone ignores), else
    the one ``queue_url`` names (``https://sqs.eu-west-1.amazonaws.com/...``).
    """
    source, named = _session(), _REGION_IN_URL.search(queue_url or "")
    region = source.region_name or (named.group(1) if named else None)
    config = Config(retries={"mode": "standard"}, max_pool_connections=connections)
    return source.client(service, region_name=region, config=config)


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
    if (
        isinstance(error, aws.ClientError)
        and error.response.get("Error", {}).get("Code") in _REFUSED
    ):
        return f"AWS refused the credentials ({error}): check AWS_PROFILE or the access keys"
    return None


def problem() -> str | None:
    """The first mistake in the AWS setup, as one line; None when there is none."""
    if _session().region_name is None:
        return NO_REGION
    if _session().get_credentials() is None:
        return NO_CREDENTIALS
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    try:
        if endpoint:
            urllib.request.urlopen(endpoint, timeout=5).close()  # noqa: S310 (the user's endpoint)
    except urllib.error.HTTPError:
        pass  # it answered
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"nothing answers at AWS_ENDPOINT_URL={endpoint} ({reason}): start it, or unset it"
    return None


def _session() -> boto3.session.Session:
    # boto3 reads AWS_DEFAULT_REGION and the profile; Terraform, Lambda and other SDKs AWS_REGION.
    region = None if os.environ.get("AWS_DEFAULT_REGION") else os.environ.get("AWS_REGION")
    return boto3.session.Session(region_name=region)


if __name__ == "__main__":
    found = problem()
    if found:
        print(f"preflight: {found}", file=sys.stderr)
    raise SystemExit(1 if found else 0)

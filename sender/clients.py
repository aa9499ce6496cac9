"""boto3 clients, created once and shared by every thread (boto3 clients are thread-safe)."""

import os
from typing import Any

import boto3
from botocore.config import Config


def make_client(service: str, concurrency: int = 8) -> Any:
    """A client for ``service`` with standard retries and a connection per thread.

    Endpoint, profile and credentials come from the usual AWS settings (``AWS_ENDPOINT_URL``,
    ``AWS_PROFILE``, …). boto3 reads the region from ``AWS_DEFAULT_REGION`` only; ``AWS_REGION``,
    which the other AWS SDKs and the Lambda runtime use, is honoured when that one is unset.
    """
    region = None if os.environ.get("AWS_DEFAULT_REGION") else os.environ.get("AWS_REGION")
    config = Config(retries={"mode": "standard"}, max_pool_connections=max(10, concurrency + 2))
    return boto3.session.Session(region_name=region).client(service, config=config)

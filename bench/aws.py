"""Scratch S3 buckets and SQS queues on the session's LocalStack (localstack-client's clients)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scripts.localstack_session import client

__all__ = ["client", "scratch_bucket", "scratch_queue"]


@contextmanager
def scratch_bucket(s3: Any) -> Iterator[str]:
    """Create a uniquely named bucket; empty and delete it afterwards."""
    name = f"png2jpg-bench-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=name, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=name)


@contextmanager
def scratch_queue(sqs: Any) -> Iterator[str]:
    """Create a uniquely named standard queue; yield its URL; delete it afterwards."""
    url = sqs.create_queue(QueueName=f"png2jpg-bench-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    try:
        yield url
    finally:
        sqs.delete_queue(QueueUrl=url)

"""A team's own bucket, its EventBridge notifications, its SNS fan-out and its key: a second
instance of the root with ``create_bucket = false``, ``s3_event_source = "eventbridge"``,
``sns_topic_arns`` and ``kms_key_arn`` (LocalStack encrypts nothing with it: the test checks what
names it).

The team's bucket exists before the instance and after it: with objects, a policy, a lifecycle rule,
tags and a notification configuration of its own (its S3 events for ``.PNG`` keys published to the
team's topic, and EventBridge notifications on). The instance's rule matches ``.png`` keys only, so
each upload takes exactly one route: ``.png`` through EventBridge, ``.PNG`` through the topic,
delivered SNS-wrapped. Keys hold no space or ``+``: LocalStack encodes them unlike AWS on these
routes (docs/emulator-limits.md); the unit tests check each encoding with AWS's samples.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import (
    QUARANTINE_TIMEOUT,
    Deployment,
    client,
    log_records,
    second_instance,
    sender_json,
    wait_until,
)
from tests.e2e.test_pipeline import CONVERSION_TIMEOUT
from tests.imagegen import photo_like, png_bytes

KEPT = {"other/keep.txt": b"the team's own object", "pngfiles/before.png": b"uploaded earlier"}


@dataclass(frozen=True)
class Team:
    """What the team had before the kit: a bucket, its settings, a topic, a key."""

    bucket: str
    topic_arn: str
    key_arn: str
    settings: dict[str, Any]


def bucket_settings(s3: Any, bucket: str) -> dict[str, Any]:
    """Everything the kit must not change on a bucket it does not own, as S3 reports it."""
    reads = {
        "policy": lambda: json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]),
        "lifecycle": lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"],
        "tags": lambda: s3.get_bucket_tagging(Bucket=bucket)["TagSet"],
        "notifications": lambda: s3.get_bucket_notification_configuration(Bucket=bucket),
        "encryption": lambda: s3.get_bucket_encryption(Bucket=bucket)[
            "ServerSideEncryptionConfiguration"
        ],
        "versioning": lambda: s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        "public_access_block": lambda: s3.get_public_access_block(Bucket=bucket)[
            "PublicAccessBlockConfiguration"
        ],
        "ownership": lambda: s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"],
    }
    settings: dict[str, Any] = {}
    for name, read in reads.items():
        try:
            value = read()
        except ClientError as error:
            value = error.response["Error"]["Code"]  # "none set" is a setting too
        if isinstance(value, dict):
            value.pop("ResponseMetadata", None)
        settings[name] = value
    return settings


def objects(s3: Any, bucket: str) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed
    }


@pytest.fixture(scope="module")
def team(deployment: Deployment, s3: Any) -> Iterator[Team]:
    """The team's bucket and topic, made before the instance; removed after the module."""
    sns, kms = client("sns"), client("kms")
    bucket = f"{deployment.name}-team-images"
    key_arn = kms.create_key(Description=f"{deployment.name} team key")["KeyMetadata"]["Arn"]
    topic_arn = sns.create_topic(Name=f"{deployment.name}-team-uploads")["TopicArn"]
    region = s3.meta.region_name
    where = {} if region == "us-east-1" else {"LocationConstraint": region}
    s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {}))
    try:
        sns.set_topic_attributes(
            TopicArn=topic_arn,
            AttributeName="Policy",
            AttributeValue=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": topic_arn,
                            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
                        }
                    ],
                }
            ),
        )
        for key, body in KEPT.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        arn = f"arn:aws:s3:::{bucket}"
        deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"]}
        deny["Condition"] = {"Bool": {"aws:SecureTransport": "false"}}
        s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]})
        )
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "team-expiry",
                        "Status": "Enabled",
                        "Filter": {"Prefix": "tmp/"},
                        "Expiration": {"Days": 3},
                    }
                ]
            },
        )
        s3.put_bucket_tagging(
            Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "imaging"}]}
        )
        filters = [{"Name": "prefix", "Value": "pngfiles/"}, {"Name": "suffix", "Value": ".PNG"}]
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "TopicConfigurations": [
                    {
                        "Id": "team-fanout",
                        "TopicArn": topic_arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": filters}},
                    }
                ],
                "EventBridgeConfiguration": {},
            },
        )
        yield Team(bucket, topic_arn, key_arn, bucket_settings(s3, bucket))
    finally:
        for key in objects(s3, bucket):
            s3.delete_object(Bucket=bucket, Key=key)
        s3.delete_bucket(Bucket=bucket)
        sns.delete_topic(TopicArn=topic_arn)
        kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)


def overrides(team: Team) -> dict[str, object]:
    """The instance's settings: the team's bucket, EventBridge for .png keys, the team's topic and
    key."""
    return {
        "create_bucket": False,
        "bucket_name": team.bucket,
        "s3_event_source": "eventbridge",
        "s3_notification_suffixes": [".png"],
        "sns_topic_arns": [team.topic_arn],
        "kms_key_arn": team.key_arn,
    }


@pytest.fixture(scope="module")
def routed(deployment: Deployment, team: Team) -> Iterator[Deployment]:
    """The instance on the team's bucket (destroyed by the last test, and again afterwards)."""
    with second_instance(deployment, "team", **overrides(team)) as instance:
        yield instance


def records_for(deployment: Deployment, key: str) -> list[dict[str, Any]]:
    """The function's per-object log records naming ``key``."""
    return [record for record in log_records(deployment) if record.get("key") == key]


def test_applying_changes_nothing_on_the_bucket(routed: Deployment, team: Team, s3: Any) -> None:
    assert routed["bucket_name"] == team.bucket
    assert bucket_settings(s3, team.bucket) == team.settings


def test_the_queues_and_the_log_group_use_the_key(routed: Deployment, team: Team, sqs: Any) -> None:
    for url in (routed["queue_url"], routed["dlq_url"]):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["KmsMasterKeyId"] == team.key_arn, url
    [group] = client("logs").describe_log_groups(logGroupNamePrefix=routed["log_group_name"])[
        "logGroups"
    ]
    assert group["kmsKeyId"] == team.key_arn


def test_an_upload_routed_by_eventbridge_converts(
    routed: Deployment, s3: Any, tmp_path: Path
) -> None:
    """The sender only uploads (the root says EventBridge enqueues); the rule brings the JPEG."""
    (tmp_path / "eb").mkdir()
    (tmp_path / "eb" / "photo.png").write_bytes(png_bytes(photo_like(96, 64)))

    result = routed.sender("--json", "--wait", str(CONVERSION_TIMEOUT), str(tmp_path / "eb"))

    assert result.returncode == 0, result.stderr
    summary = sender_json(result)
    assert summary["upload_only"] is True
    assert "An EventBridge rule on the bucket's Object Created events enqueues" in result.stderr
    assert [item["output_key"] for item in summary["wait"]["arrived"]] == ["jpgfiles/photo.jpg"]
    time.sleep(5)  # a second delivery, if any route sent one, would be logged by now
    assert [r["outcome"] for r in records_for(routed, "pngfiles/photo.png")] == ["converted"]


def test_an_upload_fanned_out_by_sns_converts(routed: Deployment, team: Team, s3: Any) -> None:
    """A .PNG key: S3 publishes it to the team's topic, the queue gets it SNS-wrapped."""
    key = "pngfiles/fanout/photo.PNG"
    s3.put_object(Bucket=team.bucket, Key=key, Body=png_bytes(photo_like(64, 48)))

    assert wait_until(
        lambda: s3.list_objects_v2(Bucket=team.bucket, Prefix="jpgfiles/fanout/photo.jpg").get(
            "KeyCount"
        ),
        CONVERSION_TIMEOUT,
    ), "no JPEG from the SNS route"
    time.sleep(5)
    assert [r["outcome"] for r in records_for(routed, key)] == ["converted"]
    assert routed["sns_subscription_arns"][team.topic_arn]


def test_other_keys_are_not_routed(routed: Deployment, team: Team, s3: Any) -> None:
    """Uploads outside the input prefix, or without a routed suffix, reach neither route."""
    since_ms = int(time.time() * 1000)
    s3.put_object(Bucket=team.bucket, Key="other/photo.png", Body=b"not for the kit")
    s3.put_object(Bucket=team.bucket, Key="pngfiles/notes.txt", Body=b"not a PNG")
    time.sleep(QUARANTINE_TIMEOUT / 6)
    assert [r for r in log_records(routed, since_ms) if r.get("key")] == []


def test_destroy_leaves_the_bucket_and_its_objects(routed: Deployment, team: Team, s3: Any) -> None:
    routed.terraform("destroy", **overrides(team))

    assert bucket_settings(s3, team.bucket) == team.settings
    kept = objects(s3, team.bucket)
    for key, body in KEPT.items():
        assert kept[key] == body
    assert {"pngfiles/photo.png", "jpgfiles/photo.jpg", "jpgfiles/fanout/photo.jpg"} <= set(kept)
    subscriptions = client("sns").list_subscriptions_by_topic(TopicArn=team.topic_arn)
    assert subscriptions["Subscriptions"] == []

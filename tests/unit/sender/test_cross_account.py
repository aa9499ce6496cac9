"""A sender in another account, with exactly the grants sender_principals gives it.

moto allows everything by default; AWS allows a principal only what policies grant it. Here the
first SETUP_CALLS requests (bucket, queue, role and its credentials) run unchecked; the sender then
runs with the credentials of a role whose only permissions are the Allow statements that
Terraform renders for a sender in the bucket and queue policies (tests/terraform_policy.py), so
every other call it makes is refused as AWS would refuse it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID, set_initial_no_auth_action_count
from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

from sender import cli, send
from tests.terraform_policy import sender_grants

BUCKET = "png2jpg-images"  # the names tests/iam renders the policies for
QUEUE = "png2jpg"
SETUP_CALLS = 5


@pytest.fixture(autouse=True)
def _rendered_policies() -> None:
    """Plan the policies before moto's request counting starts (they are cached under build/)."""
    sender_grants()


def as_the_sender(monkeypatch: pytest.MonkeyPatch) -> str:
    """Create the bucket, queue and sender role (unchecked); make the sender use the role's
    credentials. Exactly SETUP_CALLS requests. Return the queue's URL."""
    region = "us-east-1"
    s3, sqs = boto3.client("s3", region_name=region), boto3.client("sqs", region_name=region)
    s3.create_bucket(Bucket=BUCKET)  # 1
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]  # 2
    iam = boto3.client("iam", region_name=region)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}],
    }
    role = iam.create_role(RoleName="uploader", AssumeRolePolicyDocument=json.dumps(trust))  # 3
    grants = {"Version": "2012-10-17", "Statement": as_moto_reads_them(sender_grants())}
    iam.put_role_policy(
        RoleName="uploader", PolicyName="sender", PolicyDocument=json.dumps(grants)
    )  # 4
    sts = boto3.client("sts", region_name=region)
    role_arn = role["Role"]["Arn"]
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="sender")["Credentials"]  # 5
    session = boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )
    clients = {"s3": session.client("s3"), "sqs": session.client("sqs")}
    monkeypatch.setattr(cli, "client", lambda service, *_args, **_kwargs: clients[service])
    monkeypatch.setattr(send, "RETRY_BASE_DELAY", 0.0)
    return queue_url


def as_moto_reads_them(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements with each SQS batch action beside the action that grants it on AWS.

    AWS authorizes SendMessageBatch with sqs:SendMessage (there is no separate permission:
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html);
    moto checks the batch call's own name. Nothing else is added.
    """
    batch = {"sqs:SendMessage": "sqs:SendMessageBatch"}
    return [
        statement
        | {"Action": statement["Action"] + [batch[a] for a in statement["Action"] if a in batch]}
        for statement in statements
    ]


def stored() -> tuple[list[str], list[dict[str, Any]]]:
    """The bucket's keys and the queue's message bodies, read from moto's state (no request)."""
    keys = sorted(s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[BUCKET].keys)
    queue = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].queues[QUEUE]
    return keys, [json.loads(message.body) for message in queue._messages]


@set_initial_no_auth_action_count(SETUP_CALLS)
@mock_aws
def test_the_two_grants_are_enough_to_send(
    monkeypatch: pytest.MonkeyPatch, make_pngs: Any, tmp_path: Path
) -> None:
    queue_url = as_the_sender(monkeypatch)
    make_pngs(tmp_path / "photos", ["a.png", "b/c.png"])

    status = cli.main(["--bucket", BUCKET, "--queue-url", queue_url, str(tmp_path / "photos")])

    assert status == 0
    keys, bodies = stored()
    assert keys == ["pngfiles/a.png", "pngfiles/b/c.png"]
    assert sorted(body["key"] for body in bodies) == keys


@set_initial_no_auth_action_count(SETUP_CALLS)
@mock_aws
def test_the_grants_allow_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    queue_url = as_the_sender(monkeypatch)
    s3, sqs = cli.client("s3"), cli.client("sqs")
    refused = [
        lambda: s3.put_object(Bucket=BUCKET, Key="jpgfiles/a.jpg", Body=b"x"),
        lambda: s3.get_object(Bucket=BUCKET, Key="pngfiles/a.png"),
        lambda: s3.list_objects_v2(Bucket=BUCKET),
        lambda: s3.delete_object(Bucket=BUCKET, Key="pngfiles/a.png"),
        lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0),
        lambda: sqs.purge_queue(QueueUrl=queue_url),
    ]
    for call in refused:
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

"""The handler under the role policy Terraform renders, with IAM enforced (moto access control).

moto and LocalStack allow everything by default; AWS allows only what the role's policy grants.
Here the first SETUP_CALLS requests (creating the bucket, queues, role and its credentials) run
unchecked; every request after them is checked against the policy from ``terraform plan``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from png2jpg.handler import get_container, lambda_handler
from tests.terraform_policy import rendered_role_policy
from tests.unit.function.images import small_png

BUCKET = "png2jpg-images"  # the names tests/iam renders the policy for
SETUP_CALLS = 8


def as_the_role(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Create the bucket, queue, DLQ and role (unchecked); run the handler with its credentials.

    Exactly SETUP_CALLS requests: the checks start with the caller's first request.
    """
    s3 = boto3.client("s3", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    iam = boto3.client("iam", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)  # 1
    s3.put_object(Bucket=BUCKET, Key="pngfiles/a.png", Body=small_png())  # 2
    s3.put_object(Bucket=BUCKET, Key="other/b.png", Body=small_png())  # 3
    queue_url = sqs.create_queue(QueueName="png2jpg")["QueueUrl"]  # 4
    dlq_url = sqs.create_queue(QueueName="png2jpg-dlq")["QueueUrl"]  # 5
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ],
    }
    name = "png2jpg-function"
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))  # 6
    iam.put_role_policy(  # 7
        RoleName=name, PolicyName=name, PolicyDocument=json.dumps(rendered_role_policy())
    )
    sts = boto3.client("sts", region_name="us-east-1")
    credentials = sts.assume_role(RoleArn=role_arn["Role"]["Arn"], RoleSessionName="fn")  # 8
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["Credentials"]["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["Credentials"]["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["Credentials"]["SessionToken"])
    monkeypatch.setenv("ALLOWED_BUCKETS", BUCKET)
    monkeypatch.setenv("DLQ_URL", dlq_url)
    boto3.setup_default_session()  # the default session keeps the credentials it first found
    get_container.cache_clear()
    return {"queue_url": queue_url, "dlq_url": dlq_url}


@pytest.fixture(autouse=True)
def _rendered_policy() -> None:
    """Plan the policy before moto's request counting starts (it is cached under build/)."""
    rendered_role_policy()


def invoke(*bodies: dict[str, str]) -> list[str]:
    records = [
        {"messageId": f"m{index}", "body": json.dumps(body), "attributes": {}}
        for index, body in enumerate(bodies)
    ]
    result = lambda_handler({"Records": records}, None)
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def denied(call: Any, **kwargs: Any) -> bool:
    """Whether the call is refused for lack of permission (HTTP 403)."""
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return False


@set_initial_no_auth_action_count(SETUP_CALLS)
@mock_aws
def test_the_policy_lets_the_function_convert_and_quarantine(
    function_env: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    as_the_role(monkeypatch)
    caplog.set_level(logging.INFO, logger="png2jpg")
    assert invoke({"bucket": BUCKET, "key": "pngfiles/a.png"}, {"bucket": BUCKET}) == []
    # Nothing reported: the JPEG was written and the bad message went to the DLQ (a refused
    # write or DLQ send would have been reported for redelivery, and logged).
    outcomes = [
        (r.outcome, getattr(r, "error_class", None))
        for r in caplog.records
        if hasattr(r, "messageId")
    ]
    assert sorted(outcomes, key=str) == [("converted", None), ("failed", "permanent")]
    # A duplicate delivery reads the JPEG's metadata and asks for the PNG only if it changed.
    caplog.clear()
    assert invoke({"bucket": BUCKET, "key": "pngfiles/a.png"}) == []
    assert [(r.outcome, r.key) for r in caplog.records if hasattr(r, "messageId")] == [
        ("unchanged", "pngfiles/a.png")
    ]


@set_initial_no_auth_action_count(SETUP_CALLS)
@mock_aws
def test_the_policy_refuses_everything_else(
    function_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = as_the_role(monkeypatch)
    s3, sqs = get_container().s3, get_container().sqs
    assert denied(s3.get_object, Bucket=BUCKET, Key="other/b.png")  # read outside the input prefix
    assert denied(s3.put_object, Bucket=BUCKET, Key="pngfiles/x.jpg", Body=b"x")  # write outside
    assert denied(s3.put_object, Bucket=BUCKET, Key="other/x.jpg", Body=b"x")
    assert denied(sqs.send_message, QueueUrl=role["queue_url"], MessageBody="{}")  # the main queue
    assert denied(s3.head_object, Bucket=BUCKET, Key="other/b.png")  # metadata outside the prefixes
    # Listing the input and output prefixes is allowed; moto does not evaluate the s3:prefix
    # condition that refuses other prefixes on AWS (tests/unit/terraform/test_role_policy.py
    # checks it is there).
    assert not denied(s3.list_objects_v2, Bucket=BUCKET, Prefix="pngfiles/")
    assert not denied(s3.list_objects_v2, Bucket=BUCKET, Prefix="jpgfiles/")


@set_initial_no_auth_action_count(SETUP_CALLS)
@mock_aws
def test_a_missing_input_or_output_is_not_found_rather_than_denied(
    function_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With s3:ListBucket on the prefixes, AWS answers 404 for a missing key, not 403."""
    as_the_role(monkeypatch)
    with pytest.raises(ClientError) as raised:
        get_container().s3.get_object(Bucket=BUCKET, Key="pngfiles/none.png")
    assert raised.value.response["Error"]["Code"] == "NoSuchKey"
    # Likewise a JPEG not written yet (s3:ListBucket on the output prefix): no JPEG, not denied.
    with pytest.raises(ClientError) as raised:
        get_container().s3.head_object(Bucket=BUCKET, Key="jpgfiles/none.jpg")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

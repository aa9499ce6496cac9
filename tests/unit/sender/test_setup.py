"""Mistakes in the AWS setup and the destination: one clear line each, never a traceback."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUCKET, Aws, python_m

QUEUE_IN_EU = "https://sqs.eu-west-1.amazonaws.com/123456789012/png2jpg"
LOCAL_QUEUE = "http://127.0.0.1:1/123456789012/png2jpg"


def _dead_endpoint() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in names}


NO_REGION = "no AWS region: set AWS_REGION"
NO_CREDENTIALS = "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID"


@pytest.mark.parametrize(
    ("command", "unset", "queue_url", "expected"),
    [
        ("sender", ["AWS_REGION"], LOCAL_QUEUE, NO_REGION),
        # the region comes from the queue URL: the next thing missing is the credentials
        ("sender", ["AWS_REGION", "AWS_ACCESS_KEY_ID"], QUEUE_IN_EU, NO_CREDENTIALS),
        ("sender.redrive", ["AWS_REGION"], LOCAL_QUEUE, NO_REGION),
        ("sender.redrive", ["AWS_REGION", "AWS_ACCESS_KEY_ID"], QUEUE_IN_EU, NO_CREDENTIALS),
    ],
)
def test_no_region_or_credentials_is_one_line(
    user_env: dict[str, str],
    make_pngs: Any,
    tmp_path: Path,
    command: str,
    unset: list[str],
    queue_url: str,
    expected: str,
) -> None:
    make_pngs(tmp_path, ["a.png"])
    env = _without(user_env, *unset) | {"AWS_ENDPOINT_URL": _dead_endpoint()}
    if command == "sender":
        args = ["--bucket", BUCKET, "--queue-url", queue_url, str(tmp_path)]
    else:
        args = ["--dlq-url", queue_url + "-dlq", "--queue-url", queue_url]

    result = python_m(command, *args, env=env)

    assert result.returncode == 1
    prefix = "sender" if command == "sender" else "redrive"
    assert result.stderr.splitlines()[0].startswith(f"{prefix}: error: {expected}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["sender", "sender.redrive"])
def test_an_endpoint_that_does_not_answer_is_one_line(
    user_env: dict[str, str], make_pngs: Any, tmp_path: Path, command: str
) -> None:
    make_pngs(tmp_path, ["a.png"])
    endpoint = _dead_endpoint()
    env = user_env | {"AWS_ENDPOINT_URL": endpoint}
    args = ["--queue-url", LOCAL_QUEUE]
    args += (
        [str(tmp_path), "--bucket", BUCKET] if command == "sender" else ["--dlq-url", LOCAL_QUEUE]
    )

    result = python_m(command, *args, env=env)

    assert result.returncode == 1
    assert f"error: nothing answers at {endpoint}/: start it, or correct AWS_ENDPOINT_URL" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("unset", "endpoint", "expected"),
    [
        ([], None, ""),
        (["AWS_REGION"], None, f"preflight: {NO_REGION}"),
        (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], None, f"preflight: {NO_CREDENTIALS}"),
        ([], "dead", "preflight: nothing answers at AWS_ENDPOINT_URL=http://127.0.0.1:"),
    ],
)
def test_preflight_names_what_to_set(
    user_env: dict[str, str], unset: list[str], endpoint: str | None, expected: str
) -> None:
    env = _without(user_env, *unset)
    if endpoint:
        env["AWS_ENDPOINT_URL"] = _dead_endpoint()

    result = python_m("sender.preflight", env=env)

    assert (result.returncode, result.stdout) == (1 if expected else 0, "")
    assert result.stderr.startswith(expected)
    assert len(result.stderr.splitlines()) == (1 if expected else 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--queue-url", "not-a-url"], "'not-a-url' is not an SQS queue URL"),
        (["--bucket", "My_Bucket"], "bucket name 'My_Bucket' is not valid"),
        (["--bucket", "a..b"], "bucket name 'a..b' is not valid"),
        (["--message-group", "g"], "--message-group applies to FIFO queues only"),
    ],
)
def test_destinations_are_checked_before_any_aws_call(
    user_env: dict[str, str], make_pngs: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    make_pngs(tmp_path, ["a.png"])
    env = user_env | {"AWS_ENDPOINT_URL": _dead_endpoint()}  # any AWS call would fail with 1
    defaults = {"--bucket": BUCKET, "--queue-url": LOCAL_QUEUE}
    for name, value in defaults.items():
        if name not in args:
            args = [*args, name, value]

    result = python_m("sender", *args, "--json", str(tmp_path), env=env)

    assert result.returncode == 2
    assert message in json.loads(result.stdout)["error"]
    assert result.stderr.startswith(f"sender: error: {message}")


def test_a_fifo_url_must_match_the_terraform_roots_fifo_flag(
    user_env: dict[str, str], fake_terraform: Any, tmp_path: Path
) -> None:
    fake_terraform({"bucket_name": BUCKET, "queue_url": LOCAL_QUEUE + ".fifo", "fifo_queue": False})

    result = python_m(
        "sender", "--terraform-dir", str(tmp_path), str(tmp_path), env=user_env | _path()
    )

    assert result.returncode == 2
    assert f"{LOCAL_QUEUE}.fifo is a FIFO queue, unlike the Terraform root's fifo_queue" in (
        result.stderr
    )


def _path() -> dict[str, str]:
    """PATH as the test set it (with a fake terraform first)."""
    return {"PATH": os.environ["PATH"]}


def test_explicit_bucket_and_queue_need_no_terraform_outputs(
    remote: Aws, user_env: dict[str, str], fake_terraform: Any, make_pngs: Any, tmp_path: Path
) -> None:
    fake_terraform({})  # an empty root: "has no outputs"
    make_pngs(tmp_path / "p", ["a.png"])
    args = ["--bucket", BUCKET, "--queue-url", remote.queue_url, str(tmp_path / "p")]

    result = python_m("sender", "--terraform-dir", str(tmp_path), *args, env=user_env | _path())

    assert result.returncode == 0, result.stderr
    assert remote.keys() == ["pngfiles/a.png"]


def test_s3_notifications_in_the_outputs_choose_upload_only(
    remote: Aws, user_env: dict[str, str], fake_terraform: Any, make_pngs: Any, tmp_path: Path
) -> None:
    outputs = {"bucket_name": BUCKET, "queue_url": remote.queue_url, "fifo_queue": False}
    fake_terraform(outputs | {"s3_notification_suffixes": [".png", ".PNG"]})
    make_pngs(tmp_path / "p", ["a.png", "b.PNG", "c.Png"])
    env = user_env | _path() | {"PNG2JPG_TERRAFORM_DIR": str(tmp_path)}

    result = python_m("sender", "--json", str(tmp_path / "p"), env=env)

    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["upload_only"] is True
    assert (
        "sender: An S3 event notification enqueues each upload for this deployment: uploading only"
        in result.stderr
    )
    # No event would ever be sent for c.Png: it is skipped, not uploaded to be forgotten.
    assert [file["key"] for file in document["skipped"]] == ["pngfiles/c.Png"]
    assert "S3 notifies only keys ending in .png or .PNG: rename it" in result.stderr
    assert sorted(remote.objects()) == ["pngfiles/a.png", "pngfiles/b.PNG"]
    assert remote.messages() == []


def test_eventbridge_in_the_outputs_chooses_upload_only_and_says_so(
    remote: Aws, user_env: dict[str, str], fake_terraform: Any, make_pngs: Any, tmp_path: Path
) -> None:
    outputs = {"bucket_name": BUCKET, "queue_url": remote.queue_url, "fifo_queue": False}
    fake_terraform(
        outputs | {"s3_notification_suffixes": [".png"], "s3_event_source": "eventbridge"}
    )
    make_pngs(tmp_path / "p", ["a.png", "b.PNG"])
    env = user_env | _path() | {"PNG2JPG_TERRAFORM_DIR": str(tmp_path)}

    result = python_m("sender", "--json", str(tmp_path / "p"), env=env)

    document = json.loads(result.stdout)
    assert document["upload_only"] is True
    assert (
        "sender: An EventBridge rule on the bucket's Object Created events enqueues each upload"
        in result.stderr
    )
    assert [file["key"] for file in document["skipped"]] == ["pngfiles/b.PNG"]
    assert sorted(remote.objects()) == ["pngfiles/a.png"]
    assert remote.messages() == []


def test_redrive_timeout_must_be_in_range(user_env: dict[str, str]) -> None:
    result = python_m("sender.redrive", "--timeout", "-1", env=user_env)

    assert result.returncode == 2
    assert "argument --timeout: must be from 0 to 86400, got -1" in result.stderr

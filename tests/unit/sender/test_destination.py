"""Where the sender sends: flags, environment, Terraform outputs; and usage errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sender.cli import main
from sender.preflight import client

from .conftest import BUCKET


def _outputs(aws: Any, **extra: str) -> dict[str, str]:
    return {"bucket_name": BUCKET, "queue_url": aws.queue_url, **extra}


def test_terraform_outputs_name_bucket_queue_and_prefixes(
    aws: Any,
    make_pngs: Any,
    fake_terraform: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = fake_terraform(_outputs(aws, input_prefix="in/", output_prefix="out/"))
    make_pngs(tmp_path / "p", ["a.png"])
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PNG2JPG_TERRAFORM_STATE", "e2e.tfstate")

    assert main(["--terraform-dir", str(root), "p"]) == 0

    assert [json.loads(m["Body"]) for m in aws.messages()] == [
        {"bucket": BUCKET, "key": "in/a.png"}
    ]
    # the relative state path is made absolute: terraform runs with -chdir=DIR
    assert log.read_text().splitlines() == [
        f"-chdir={root}",
        "output",
        "-json",
        f"-state={tmp_path / 'e2e.tfstate'}",
    ]


def test_flags_and_environment_win_over_terraform_outputs(
    aws: Any, make_pngs: Any, fake_terraform: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fake_terraform({"bucket_name": "not-this-one", "queue_url": "http://not/this"})
    make_pngs(tmp_path / "p", ["a.png"])
    monkeypatch.setenv("PNG2JPG_BUCKET", BUCKET)
    monkeypatch.setenv("PNG2JPG_QUEUE_URL", aws.queue_url)

    assert main(["--terraform-dir", str(tmp_path), str(tmp_path / "p")]) == 0

    assert len(aws.messages()) == 1
    assert list(aws.objects()) == ["pngfiles/a.png"]
    assert not log.exists()  # terraform was not needed


QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: PATH"),
        (["x.png"], "no bucket: pass --bucket NAME, set PNG2JPG_BUCKET"),
        (["--bucket", "images", "x.png"], "no queue: pass --queue-url URL, set PNG2JPG_QUEUE_URL"),
        (["--terraform-dir", "/no/such/dir", "x.png"], "directory /no/such/dir: no such"),
        (["--terraform-state", "s", "x.png"], "--terraform-state needs --terraform-dir"),
        (["--concurrency", "0", "x.png"], "must be from 1 to 64, got 0"),
        (["--wait", "-1", "x.png"], "argument --wait: must be from 0 to 86400, got -1"),
        (
            ["--bucket", "images", "--queue-url", QUEUE, "--input-prefix", "/abs/", "x.png"],
            "not start with '/'",
        ),
        (
            ["--bucket", "images", "--queue-url", QUEUE, "--output-prefix", "pngfiles/x/", "x"],
            "overlap",
        ),
    ],
)
def test_usage_errors_exit_2_with_a_clear_message(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PNG2JPG_BUCKET", raising=False)
    monkeypatch.delenv("PNG2JPG_QUEUE_URL", raising=False)

    assert main(args) == 2

    assert message in capsys.readouterr().err


def test_terraform_failure_is_a_usage_error_showing_terraforms_message(
    fake_terraform: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_terraform({}, exit_status=1, stderr="Error: No outputs found")

    assert main(["--terraform-dir", str(tmp_path), "x.png"]) == 2

    err = capsys.readouterr().err
    assert f"terraform output failed in {tmp_path}" in err
    assert "Error: No outputs found" in err


def test_terraform_without_outputs_asks_whether_the_root_was_applied(
    fake_terraform: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_terraform({})

    assert main(["--terraform-dir", str(tmp_path), "x.png"]) == 2

    assert "has the root been applied?" in capsys.readouterr().err


def test_help_shows_examples_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0

    out = capsys.readouterr().out
    assert "--terraform-dir terraform/examples/complete" in out
    assert "AWS_ENDPOINT_URL=http://localhost:4566" in out
    for status in ("0 ", "1 ", "2 ", "130 "):
        assert f"\n  {status}" in out  # every exit status is explained


def test_clients_honour_aws_region_and_size_their_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-west-3")

    sqs = client("sqs", QUEUE, connections=32)

    assert sqs.meta.region_name == "eu-west-3"  # the setting wins over the queue URL's region
    assert sqs.meta.config.max_pool_connections == 32
    assert sqs.meta.config.retries["mode"] == "standard"


def test_without_a_region_setting_the_queue_urls_region_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")

    assert client("s3", QUEUE.replace("us-east-1", "ap-southeast-2")).meta.region_name == (
        "ap-southeast-2"
    )


@pytest.mark.parametrize("flag", ["--input-prefix", "--output-prefix"])
def test_a_prefix_flag_that_contradicts_the_terraform_root_is_a_usage_error(
    aws: Any,
    make_pngs: Any,
    fake_terraform: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flag: str,
) -> None:
    # Uploads under another input prefix would never be converted (and with S3 notifications,
    # never even enqueued); another output prefix would make --wait look in the wrong place.
    fake_terraform(_outputs(aws, input_prefix="in/", output_prefix="out/"))
    make_pngs(tmp_path / "p", ["a.png"])

    assert main(["--terraform-dir", str(tmp_path), flag, "other", str(tmp_path / "p")]) == 2

    name = flag.removeprefix("--").replace("-", "_")
    expected = "'in/'" if name == "input_prefix" else "'out/'"
    assert f"{flag} 'other/' is not the Terraform root's {name} {expected}" in (
        capsys.readouterr().err
    )
    assert aws.objects() == {}
    assert aws.messages() == []

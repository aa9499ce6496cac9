"""Run a command against a deployment of the complete example, then clean up.

    python scripts/localstack_session.py [--no-terraform | --aws] -- COMMAND...

1. LocalStack: the one at ``LOCALSTACK_ENDPOINT`` if set (a developer's Docker, another session);
   otherwise LocalStack from ``.venv-localstack`` in host mode on 127.0.0.1:4566
   (``LOCALSTACK_PORT`` to change), its state under ``build/e2e/localstack``. Without Docker,
   Lambda code runs in local worker processes (the ``local-subprocess`` executor in
   tests/e2e/executor). With ``--aws`` there is no LocalStack (unless ``LOCALSTACK_ENDPOINT`` is
   set: then it stands in for the account, which is how the tests exercise this mode) and the
   caller's AWS credentials and region are used.
2. Terraform: a copy of ``terraform/`` in ``build/e2e/terraform`` (``build/e2e-aws/terraform``),
   whose ``examples/complete`` root is applied with ``tests/e2e/e2e.tfvars`` and, on LocalStack,
   an override file that points its AWS provider at it. With ``--aws`` every resource name
   carries a unique suffix (``name = png2jpg-e2e-<6 hex digits>``, or ``PNG2JPG_E2E_NAME``).
3. COMMAND runs with the endpoint and credentials set and (unless ``--no-terraform``)
   ``PNG2JPG_TERRAFORM_DIR`` and ``PNG2JPG_E2E_NAME``; ``PNG2JPG_E2E_TARGET`` is ``localstack``
   or ``aws``.
4. Always, also on failure, Ctrl-C or SIGTERM: ``terraform destroy``, then LocalStack is stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
# Another port (LOCALSTACK_PORT) gets its own folders and resource names, so two sessions can run
# side by side: every LocalStack on a machine keeps S3 objects under
# /tmp/localstack-s3-storage/<bucket>, and one session's destroy would delete the other's objects
# were the bucket names the same.
PORT = int(os.environ.get("LOCALSTACK_PORT", "4566"))
SESSION_DIR = BUILD / ("e2e" if PORT == 4566 else f"e2e-{PORT}")
LOCALSTACK_NAME = "png2jpg-e2e" if PORT == 4566 else f"png2jpg-e2e-{PORT}"
LOCALSTACK_DIR = SESSION_DIR / "localstack"
TFVARS = ROOT / "tests" / "e2e" / "e2e.tfvars"
# The root applied, in terraform/: the whole module with its provider block.
EXAMPLE = "examples/complete"
ZIP = BUILD / "function.zip"
# The Lambda runtime's Python (boto3 and awslambdaric as the managed runtime has them).
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
DEFAULT_ENDPOINT = f"http://127.0.0.1:{PORT}"
REGION = "us-east-1"
# events, sns: the routes of s3_event_source and sns_topic_arns; kms: kms_key_arn.
SERVICES = "s3,sqs,lambda,iam,sts,logs,cloudwatch,sns,events,kms"
HEALTH_TIMEOUT_SECONDS = 120
REQUIRED_SERVICES = tuple(SERVICES.split(","))
PROVIDER_OVERRIDE = """\
# Written by scripts/localstack_session.py: points the root's AWS provider at LocalStack.
provider "aws" {{
  access_key                  = "test"
  secret_key                  = "test"
  region                      = "{region}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


class SessionError(Exception):
    """LocalStack or Terraform could not be brought up."""


def log(message: str) -> None:
    """Progress on stderr, so a command's stdout stays clean."""
    print(f"[localstack-session] {message}", file=sys.stderr, flush=True)


def healthy(endpoint: str) -> bool:
    """True when LocalStack answers and every service the pipeline uses is up."""
    try:
        url = f"{endpoint}/_localstack/health"
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http URL)
            services = json.load(response).get("services", {})
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return all(services.get(name) in ("available", "running") for name in REQUIRED_SERVICES)


def docker_available() -> bool:
    """Whether a Docker engine answers (LocalStack's own Lambda executor needs one)."""
    if not shutil.which("docker"):
        return False
    result = subprocess.run(["docker", "info"], check=False, capture_output=True, timeout=20)
    return result.returncode == 0


def stop_process_group(pid: int, process: subprocess.Popen | None = None) -> None:
    """SIGTERM the process group, SIGKILL it if it has not gone within 20 s.

    ``process`` is our own child: it is reaped while waiting, or its zombie would keep the
    group alive.
    """
    for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if process is not None:
                process.poll()
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@contextmanager
def localstack() -> Iterator[str]:
    """Yield the endpoint of a healthy LocalStack, started here unless one was given."""
    given = os.environ.get("LOCALSTACK_ENDPOINT")
    if given:
        log(f"using LocalStack at {given}")
        if not healthy(given):
            raise SessionError(f"LOCALSTACK_ENDPOINT={given} is not a healthy LocalStack")
        yield given
        return
    pid_file = LOCALSTACK_DIR / "pid"
    if pid_file.exists():  # left by an interrupted run that could not clean up
        stop_process_group(int(pid_file.read_text()))
        pid_file.unlink()
    if healthy(DEFAULT_ENDPOINT):
        raise SessionError(
            f"something already serves LocalStack on {DEFAULT_ENDPOINT}: stop it, or set"
            f" LOCALSTACK_ENDPOINT={DEFAULT_ENDPOINT} to use it"
        )
    shutil.rmtree(LOCALSTACK_DIR, ignore_errors=True)
    for sub in ("state", "tmp"):
        (LOCALSTACK_DIR / sub).mkdir(parents=True)
    env = {
        **os.environ,
        "OVERRIDE_IN_DOCKER": "0",  # this may be a container; LocalStack must not act as its own
        "DNS_ADDRESS": "0",
        "DISABLE_EVENTS": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "SERVICES": SERVICES,
        "GATEWAY_LISTEN": f"127.0.0.1:{PORT}",
        "LOCALSTACK_HOST": f"127.0.0.1:{PORT}",
        "SQS_ENDPOINT_STRATEGY": "off",
        "SQS_CLOUDWATCH_METRICS_REPORT_INTERVAL": "5",  # the DLQ alarm reads these metrics
        "FILESYSTEM_ROOT": str(LOCALSTACK_DIR / "state"),
        "TMPDIR": str(LOCALSTACK_DIR / "tmp"),
    }
    if not docker_available():
        env["LAMBDA_RUNTIME_EXECUTOR"] = "local-subprocess"
        env["LOCAL_EXECUTOR_PYTHON"] = str(RUNTIME_PYTHON)
    log_path = LOCALSTACK_DIR / "localstack.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [str(ROOT / ".venv-localstack" / "bin" / "python"), "-m", "localstack.runtime.main"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file.write_text(str(process.pid))
    try:
        started = time.monotonic()
        while not healthy(DEFAULT_ENDPOINT):
            if process.poll() is not None:
                raise SessionError(f"LocalStack exited with {process.returncode}; see {log_path}")
            if time.monotonic() - started > HEALTH_TIMEOUT_SECONDS:
                raise SessionError(f"LocalStack not healthy after {HEALTH_TIMEOUT_SECONDS} s")
            time.sleep(0.5)
        log(f"LocalStack (pid {process.pid}) healthy in {time.monotonic() - started:.1f} s")
        yield DEFAULT_ENDPOINT
    finally:
        stop_process_group(process.pid, process)
        pid_file.unlink(missing_ok=True)
        log(f"LocalStack stopped; its log is {log_path.relative_to(ROOT)}")


@dataclass(frozen=True)
class Target:
    """Where the root is applied: LocalStack (``endpoint``) or an AWS account, under ``name``."""

    endpoint: str | None
    aws: bool
    name: str

    @property
    def directory(self) -> Path:
        """The session's folder: the Terraform copy and its log."""
        return BUILD / "e2e-aws" if self.aws else SESSION_DIR

    @property
    def copy_dir(self) -> Path:
        """The copy of terraform/: the module and its examples."""
        return self.directory / "terraform"

    @property
    def terraform_dir(self) -> Path:
        """The root that is applied: the copy's complete example."""
        return self.copy_dir / EXAMPLE

    @property
    def terraform_log(self) -> Path:
        """Where terraform's output goes."""
        return self.directory / "terraform.log"


def terraform_variables(name: str, **overrides: object) -> list[str]:
    """The ``-var-file``/``-var`` arguments of an e2e deployment named ``name``.

    ``overrides`` are further root variables (strings, numbers, booleans, lists of strings), e.g.
    ``fifo_queue=True``.
    """
    values = {"function_zip_path": ZIP, "name": name, **overrides}
    rendered = {
        key: json.dumps(value) if isinstance(value, bool | list) else str(value)
        for key, value in values.items()
    }
    return [f"-var-file={TFVARS}", *(f"-var={key}={value}" for key, value in rendered.items())]


def client(service: str, **kwargs: Any) -> Any:
    """A boto3 client for LocalStack, made by localstack-client.

    The endpoint is ``LOCALSTACK_ENDPOINT``; without it, what localstack-client reads itself
    (``AWS_ENDPOINT_URL``, then ``LOCALSTACK_HOST``).
    """
    from localstack_client.session import Session

    endpoint = os.environ.get("LOCALSTACK_ENDPOINT")
    host = urlsplit(endpoint).netloc if endpoint else None
    return Session(localstack_host=host, region_name=REGION).client(service, **kwargs)


def terraform(target: Target, *args: str) -> None:
    """Run terraform in the copied root, its output in a log file; on failure show its end."""
    command = ["terraform", f"-chdir={target.terraform_dir}", *args, "-no-color"]
    with target.terraform_log.open("a") as log_file:
        log_file.write(f"$ {' '.join(command)}\n")
        log_file.flush()
        result = subprocess.run(command, check=False, stdout=log_file, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = target.terraform_log.read_text().splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        raise SessionError(f"terraform {args[0]} failed; whole log: {target.terraform_log}")


def copy_root(target: Target) -> None:
    """Copy terraform/ (without local state or tfvars); on LocalStack add the provider override.

    The applied root's provider cache is kept from an earlier session; its state is not.
    """
    cache, kept = target.terraform_dir / ".terraform", target.directory / ".terraform-kept"
    shutil.rmtree(kept, ignore_errors=True)
    if cache.is_dir():
        cache.rename(kept)
    shutil.rmtree(target.copy_dir, ignore_errors=True)
    ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", "terraform.tfvars", "*.lock.hcl")
    shutil.copytree(ROOT / "terraform", target.copy_dir, ignore=ignore)
    if kept.is_dir():
        kept.rename(cache)
    if target.endpoint:
        services = SERVICES.split(",")
        endpoints = "\n".join(f'    {name:<10} = "{target.endpoint}"' for name in services)
        (target.terraform_dir / "localstack_override.tf").write_text(
            PROVIDER_OVERRIDE.format(region=REGION, endpoints=endpoints)
        )


@contextmanager
def deployment(target: Target) -> Iterator[None]:
    """Apply the root; destroy it afterwards, whatever happened in between."""
    copy_root(target)
    target.terraform_log.write_text("")
    where = f"LocalStack ({target.endpoint})" if target.endpoint else "AWS"
    log(f"terraform init + apply of terraform/{EXAMPLE} as {target.name} on {where}")
    log(f"terraform output: {target.terraform_log.relative_to(ROOT)}")
    plugin_dir = os.environ.get("TF_PLUGIN_DIR")
    mirror = [f"-plugin-dir={plugin_dir}"] if plugin_dir else []
    terraform(target, "init", "-input=false", *mirror)
    variables = terraform_variables(target.name)
    try:
        started = time.monotonic()
        terraform(target, "apply", "-input=false", "-auto-approve", *variables)
        log(f"terraform apply took {time.monotonic() - started:.0f} s")
        yield
    finally:
        started = time.monotonic()
        try:
            terraform(target, "destroy", "-input=false", "-auto-approve", *variables)
            log(f"terraform destroy took {time.monotonic() - started:.0f} s")
        except SessionError as error:
            if not target.endpoint:
                raise SessionError(
                    f"{error}: resources named {target.name}* may remain in your account; run"
                    f" terraform -chdir={target.terraform_dir} destroy {' '.join(variables)}"
                ) from error
            log(f"{error} (LocalStack is stopped next, which discards its resources anyway)")


def command_environment(target: Target) -> dict[str, str]:
    """The command's environment: LocalStack's endpoint and test credentials, or the caller's."""
    env = {**os.environ, "PNG2JPG_E2E_TARGET": "aws" if target.aws else "localstack"}
    if target.endpoint is None:
        return env
    env.update(
        {
            "LOCALSTACK_ENDPOINT": target.endpoint,
            "AWS_ENDPOINT_URL": target.endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    if not target.aws:
        env["LOCALSTACK_LOG"] = str(LOCALSTACK_DIR / "localstack.log")
    return env


def run(command: list[str], use_terraform: bool, aws: bool) -> int:
    """Bring everything up, run ``command``, tear down; return the command's exit status."""
    stand_in = os.environ.get("LOCALSTACK_ENDPOINT")
    with nullcontext(None) if aws and not stand_in else localstack() as endpoint:
        name = os.environ.get("PNG2JPG_E2E_NAME") or (
            f"png2jpg-e2e-{uuid.uuid4().hex[:6]}" if aws else LOCALSTACK_NAME
        )
        target = Target(endpoint, aws, name)
        env = command_environment(target)
        if not use_terraform:
            return subprocess.run(command, env=env, check=False).returncode
        with deployment(target):
            env["PNG2JPG_TERRAFORM_DIR"] = str(target.terraform_dir)
            env["PNG2JPG_E2E_NAME"] = name
            return subprocess.run(command, env=env, check=False).returncode


def _interrupt(signum: int, frame: object) -> None:
    """A TERM (CI cancelling the job) unwinds like Ctrl-C, so the cleanup runs."""
    raise KeyboardInterrupt


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-terraform", action="store_true", help="LocalStack only")
    mode.add_argument(
        "--aws", action="store_true", help="apply to the AWS account of the caller's credentials"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command to run is required after --")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(command, use_terraform=not args.no_terraform, aws=args.aws)
    except SessionError as error:
        log(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())

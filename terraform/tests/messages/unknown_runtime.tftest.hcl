# Meant to fail: tests/unit/terraform/test_plan_messages.py checks the message it prints.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "unknown_runtime" {
  command = plan
  variables { runtime = "python3.99" }
}

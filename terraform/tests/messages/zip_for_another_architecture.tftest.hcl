# Meant to fail: tests/unit/terraform/test_plan_messages.py checks the message it prints.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "zip_for_another_architecture" {
  command = plan
  variables { architecture = "arm64" }
}

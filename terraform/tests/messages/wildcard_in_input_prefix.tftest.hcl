# Meant to fail: tests/unit/terraform/test_plan_messages.py checks the message it prints.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "wildcard_in_input_prefix" {
  command = plan
  variables { input_prefix = "png*/" }
}

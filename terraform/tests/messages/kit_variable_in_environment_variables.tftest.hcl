# Meant to fail: tests/unit/terraform/test_plan_messages.py checks the message it prints.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "kit_variable_in_environment_variables" {
  command = plan
  variables { environment_variables = { JPEG_QUALITY = "50" } }
}

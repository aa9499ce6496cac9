# Meant to fail: tests/unit/terraform/test_plan_messages.py checks the message it prints.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "s3_events_on_an_existing_bucket" {
  command = plan
  variables {
    create_bucket   = false
    bucket_name     = "team-images"
    s3_event_source = "s3"
  }
}

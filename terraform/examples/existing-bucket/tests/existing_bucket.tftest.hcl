# The existing-bucket example plans a pipeline on a bucket it does not create, with the sender or EventBridge routing
# uploads (the module's own tests refuse s3 and a missing bucket_name). Mock AWS provider (nothing reaches AWS); the
# package is the module's test fixture.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_zip_path = "../../tests/fixtures/function.zip"
  bucket_name       = "team-images"
}

run "sender_route" {
  command = plan

  assert {
    condition     = output.bucket_name == "team-images" && output.bucket_arn == "arn:aws:s3:::team-images"
    error_message = "The example must use the team's bucket, got ${output.bucket_name}."
  }

  assert {
    condition     = length(module.png2jpg.s3_notification_suffixes) == 0 && output.eventbridge_rule_arn == null
    error_message = "By default the sender enqueues."
  }

  assert {
    condition     = module.png2jpg.bucket_created == false
    error_message = "The example must not create the bucket."
  }
}

run "eventbridge_route" {
  command = plan

  variables {
    s3_event_source = "eventbridge"
    kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = output.eventbridge_rule_arn == "arn:aws:events:us-east-1:123456789012:rule/png2jpg-team-object-created" && output.s3_event_source == "eventbridge"
    error_message = "The example must route the bucket's events through EventBridge, got ${jsonencode(output.eventbridge_rule_arn)}."
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn
    error_message = "The key must reach the module."
  }
}

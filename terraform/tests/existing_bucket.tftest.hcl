# create_bucket = false: an existing bucket the kit uses without creating or changing anything on it. The only
# resources that act on the image bucket are module.image_bucket (its settings, policy and lifecycle) and
# aws_s3_bucket_notification.this (its notification configuration): neither may exist here.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
  create_bucket     = false
  bucket_name       = "team-images"
}

run "existing_bucket_with_sender" {
  command = plan

  assert {
    condition     = length(module.image_bucket) == 0 && length(aws_s3_bucket_notification.this) == 0
    error_message = "Nothing may be created on an existing bucket: no bucket settings, policy, lifecycle or notification configuration."
  }

  assert {
    condition     = output.bucket_name == "team-images" && output.bucket_arn == "arn:aws:s3:::team-images" && output.bucket_created == false
    error_message = "The outputs must name the existing bucket, and say the kit did not create it."
  }

  assert {
    condition = toset(flatten([for s in jsondecode(module.function.policy_json).Statement : flatten([s.Resource]) if startswith(s.Sid, "ReadInputs") || s.Sid == "WriteOutputs" || s.Sid == "ListInputs"])) == toset([
      "arn:aws:s3:::team-images/pngfiles/*",
      "arn:aws:s3:::team-images/jpgfiles/*",
      "arn:aws:s3:::team-images",
    ]) && one([for s in jsondecode(module.function.policy_json).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListInputs"]) == ["pngfiles/*"]
    error_message = "The role must stay scoped to the two prefixes of the existing bucket: ${module.function.policy_json}."
  }

  assert {
    condition     = output.s3_event_source == "sender" && length(output.s3_notification_suffixes) == 0
    error_message = "The sender enqueues by default on an existing bucket too."
  }

  assert {
    condition     = output.artifacts_bucket_name == "png2jpg-artifacts-123456789012-us-east-1"
    error_message = "The kit still creates its own artifacts bucket."
  }
}

run "existing_bucket_with_eventbridge" {
  command = plan

  variables {
    s3_event_source = "eventbridge"
  }

  assert {
    condition     = length(module.image_bucket) == 0 && length(aws_s3_bucket_notification.this) == 0
    error_message = "EventBridge on an existing bucket must leave its notification configuration alone."
  }

  assert {
    condition     = jsondecode(module.object_created_rule[0].event_pattern).detail.bucket.name == ["team-images"]
    error_message = "The rule must match the existing bucket's events."
  }

  assert {
    condition     = one([for s in jsondecode(module.queue.queue_policy_json).Statement : s.Condition.ArnEquals["aws:SourceArn"] if s.Sid == "AllowEventBridgeRule"]) == "arn:aws:events:us-east-1:123456789012:rule/png2jpg-object-created"
    error_message = "The queue must let the rule send: ${module.queue.queue_policy_json}."
  }

  assert {
    condition     = output.s3_event_source == "eventbridge" && output.s3_notification_suffixes == tolist([".png", ".PNG"])
    error_message = "The sender must read that it only uploads."
  }
}

run "existing_bucket_with_sender_principals" {
  command = plan

  variables {
    sender_principals = ["arn:aws:iam::210987654321:role/uploader"]
  }

  assert {
    condition     = length(module.image_bucket) == 0
    error_message = "No bucket policy may be put on an existing bucket: the docs give the statement to add."
  }

  assert {
    condition     = [for s in jsondecode(module.queue.queue_policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "AllowSenders"]
    error_message = "The queue, which the kit owns, still lets the senders send: ${module.queue.queue_policy_json}."
  }
}

run "existing_bucket_refuses_s3_notifications" {
  command = plan

  variables {
    s3_event_source = "s3"
  }

  expect_failures = [var.s3_event_source]
}

run "existing_bucket_needs_its_name" {
  command = plan

  variables {
    bucket_name = null
  }

  expect_failures = [var.create_bucket]
}

run "existing_bucket_refuses_versioning" {
  command = plan

  variables {
    versioning_enabled = true
  }

  expect_failures = [var.versioning_enabled]
}

run "existing_bucket_refuses_input_expiry" {
  command = plan

  variables {
    input_expiration_days = 7
  }

  expect_failures = [var.input_expiration_days]
}

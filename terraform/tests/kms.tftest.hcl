# One customer-managed key (kms_key_arn) for everything the kit stores, and the role's permissions on it: exactly
# the actions each use needs, through the service that uses them, on that key and no other.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
  kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  alarm_email       = "ops@example.com"
}

run "one_key_everywhere" {
  command = plan

  assert {
    condition = module.queue.kms_master_key_ids == {
      queue = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      dlq   = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
    error_message = "The queue and the DLQ must both be encrypted with the key: ${jsonencode(module.queue.kms_master_key_ids)}."
  }

  assert {
    condition     = module.function.log_group_kms_key_id == var.kms_key_arn
    error_message = "The function's log group must be encrypted with the key."
  }

  assert {
    condition     = module.alarms.topic_kms_key_id == var.kms_key_arn
    error_message = "The alarm topic must be encrypted with the key."
  }

  assert {
    condition     = module.image_bucket[0].sse_algorithm == "aws:kms"
    error_message = "The bucket the kit creates must use SSE-KMS."
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn
    error_message = "The key must be an output, for the key policy."
  }
}

run "role_uses_the_key_through_s3_and_sqs_only" {
  command = plan

  assert {
    condition = jsonencode({ for s in jsondecode(module.function.policy_json).Statement : s.Sid => {
      actions   = sort(s.Action)
      resources = s.Resource
      condition = s.Condition
      } if anytrue([for action in s.Action : startswith(action, "kms:")]) }) == jsonencode({
      UseBucketKey = {
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
        condition = { StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" } }
      }
      UseQueueKey = {
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
        condition = { StringEquals = { "kms:ViaService" = "sqs.us-east-1.amazonaws.com" } }
      }
    })
    error_message = "The role's KMS permissions must be exactly Decrypt and GenerateDataKey on the key, through S3 and through SQS: ${module.function.policy_json}."
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(module.function.policy_json).Statement : [
      for resource in s.Resource : resource == var.kms_key_arn if anytrue([for action in s.Action : startswith(action, "kms:")])
    ]]))
    error_message = "No KMS permission on any other key."
  }

  assert {
    condition     = length(jsondecode(module.function.policy_json).Statement) == 10
    error_message = "The key adds two statements to the eight scoped ones, nothing else: ${module.function.policy_json}."
  }
}

run "existing_bucket_assumed_on_the_key" {
  command = plan

  variables {
    create_bucket = false
    bucket_name   = "team-images"
  }

  assert {
    condition     = [for s in jsondecode(module.function.policy_json).Statement : s.Sid if anytrue([for action in s.Action : startswith(action, "kms:")])] == ["UseBucketKey", "UseQueueKey"]
    error_message = "With an existing bucket the role still reads and writes its objects with the key."
  }

  assert {
    condition     = module.queue.kms_master_key_ids.queue == var.kms_key_arn && module.function.log_group_kms_key_id == var.kms_key_arn
    error_message = "The kit's own queues and log group use the key whatever the bucket."
  }
}

run "no_key_no_kms" {
  command = plan

  variables {
    kms_key_arn = null
  }

  assert {
    condition     = module.queue.sqs_managed_sse_enabled
    error_message = "Without a key the queues use SSE-SQS."
  }

  assert {
    condition     = module.function.log_group_kms_key_id == null && module.alarms.topic_kms_key_id == null
    error_message = "Without a key the log group and the alarm topic name none."
  }

  assert {
    condition     = !anytrue(flatten([for s in jsondecode(module.function.policy_json).Statement : [for action in s.Action : startswith(action, "kms:")]]))
    error_message = "Without a key the role has no KMS permission."
  }
}

# Plan-level checks of the default configuration and its optional parts.
#
# The mock AWS provider of tests/mocks: nothing reaches AWS and no credentials are needed. Every policy is built
# with jsonencode() from values known at plan time, so the policies asserted here are the exact JSON that would be
# sent to AWS. Every run is `command = plan`.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

################################################################################
# Defaults
################################################################################

run "default_names" {
  command = plan

  assert {
    condition     = output.bucket_name == "png2jpg-images-123456789012-us-east-1"
    error_message = "The image bucket name must default to <name>-images-<account>-<region>, got ${output.bucket_name}."
  }

  assert {
    condition     = output.artifacts_bucket_name == "png2jpg-artifacts-123456789012-us-east-1"
    error_message = "The artifacts bucket name must default to <name>-artifacts-<account>-<region>, got ${output.artifacts_bucket_name}."
  }

  assert {
    condition     = output.bucket_arn == "arn:aws:s3:::png2jpg-images-123456789012-us-east-1"
    error_message = "Unexpected bucket ARN ${output.bucket_arn}."
  }

  assert {
    condition     = output.input_prefix == "pngfiles/" && output.output_prefix == "jpgfiles/"
    error_message = "The prefixes must default to pngfiles/ and jpgfiles/."
  }

  assert {
    condition     = output.queue_name == "png2jpg" && output.dlq_name == "png2jpg-dlq" && output.fifo_queue == false
    error_message = "Unexpected queue names ${output.queue_name}, ${output.dlq_name}."
  }

  assert {
    condition     = output.queue_arn == "arn:aws:sqs:us-east-1:123456789012:png2jpg" && output.dlq_arn == "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"
    error_message = "Unexpected queue ARNs ${output.queue_arn}, ${output.dlq_arn}."
  }

  assert {
    condition     = output.function_name == "png2jpg" && output.log_group_name == "/aws/lambda/png2jpg"
    error_message = "Unexpected function or log group name."
  }

  assert {
    condition = [output.dlq_alarm_name, output.queue_age_alarm_name, output.function_errors_alarm_name, output.function_throttles_alarm_name] == [
      "png2jpg-dlq-not-empty", "png2jpg-queue-oldest-message-age", "png2jpg-function-errors", "png2jpg-function-throttles",
    ]
    error_message = "Unexpected alarm names."
  }

  assert {
    condition     = length(output.s3_notification_suffixes) == 0
    error_message = "S3 notifications must be off by default, and the output must say so."
  }

  assert {
    condition     = module.alarms.topic_policy_json == null
    error_message = "No topic, no topic policy."
  }

  assert {
    condition     = output.alarm_topic_arn == null && length(module.alarms.alarm_actions) == 0
    error_message = "Without alarm_email and alarm_actions there must be no topic and no alarm action."
  }
}

run "function_configuration" {
  command = plan

  assert {
    condition = jsonencode(module.function.configuration) == jsonencode({
      handler               = "png2jpg.handler.lambda_handler"
      runtime               = "python3.13"
      architectures         = ["x86_64"]
      memory_size           = 1024
      timeout               = 60
      log_format            = "JSON"
      log_group             = "/aws/lambda/png2jpg"
      application_log_level = "INFO"
      system_log_level      = "WARN"
    })
    error_message = "Unexpected function configuration ${jsonencode(module.function.configuration)}."
  }
}

run "function_log_levels" {
  command = plan

  variables {
    log_level        = "WARN"
    system_log_level = "INFO"
  }

  # WARN drops the function's metric lines: the plan warns about it (tests/validation.tftest.hcl).
  expect_failures = [check.metrics_reach_cloudwatch]

  assert {
    condition     = module.function.configuration.log_format == "JSON" && module.function.configuration.application_log_level == "WARN"
    error_message = "log_level must set the JSON logging config's application_log_level: ${jsonencode(module.function.configuration)}."
  }

  assert {
    condition     = module.function.configuration.system_log_level == "INFO"
    error_message = "system_log_level must set the logging config's system_log_level."
  }

}

################################################################################
# Visibility timeout vs. function timeout
################################################################################

run "visibility_timeout_default_is_six_timeouts" {
  command = plan

  assert {
    condition     = module.queue.visibility_timeout_seconds == 6 * 60 + 0
    error_message = "Default visibility timeout must be 6 x 60 s + 0 s window = 360 s, got ${module.queue.visibility_timeout_seconds}."
  }
}

run "visibility_timeout_default_adds_batching_window" {
  command = plan

  variables {
    timeout                            = 30
    batch_size                         = 100
    maximum_batching_window_in_seconds = 5
  }

  assert {
    condition     = module.queue.visibility_timeout_seconds == 6 * 30 + 5
    error_message = "Default visibility timeout must be 6 x 30 s + 5 s = 185 s, got ${module.queue.visibility_timeout_seconds}."
  }
}

run "visibility_timeout_explicit_larger_value_kept" {
  command = plan

  variables {
    timeout                    = 30
    visibility_timeout_seconds = 900
  }

  assert {
    condition     = module.queue.visibility_timeout_seconds == 900
    error_message = "An explicit visibility timeout above the minimum must be used as given."
  }
}

run "visibility_timeout_explicit_minimum_accepted" {
  command = plan

  variables {
    timeout                    = 30
    visibility_timeout_seconds = 180
  }

  assert {
    condition     = module.queue.visibility_timeout_seconds == 180
    error_message = "Exactly 6 x timeout must be accepted."
  }
}

run "visibility_timeout_explicit_smaller_value_refused" {
  command = plan

  variables {
    timeout                    = 30
    visibility_timeout_seconds = 179
  }

  expect_failures = [var.visibility_timeout_seconds]
}

run "visibility_timeout_must_cover_batching_window" {
  command = plan

  variables {
    timeout                            = 30
    batch_size                         = 100
    maximum_batching_window_in_seconds = 10
    visibility_timeout_seconds         = 185
  }

  expect_failures = [var.visibility_timeout_seconds]
}

################################################################################
# Queue, DLQ and event source mapping
################################################################################

run "redrive_wiring" {
  command = plan

  variables {
    max_receive_count = 3
  }

  assert {
    condition     = jsondecode(module.queue.redrive_policy).deadLetterTargetArn == output.dlq_arn
    error_message = "The queue's redrive policy must target the DLQ: ${module.queue.redrive_policy}."
  }

  assert {
    condition     = jsondecode(module.queue.redrive_policy).maxReceiveCount == 3
    error_message = "maxReceiveCount must come from max_receive_count: ${module.queue.redrive_policy}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.redrive_allow_policy)) == jsonencode({
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
    })
    error_message = "The DLQ must allow redrive from the source queue only: ${module.queue.redrive_allow_policy}."
  }

  assert {
    condition     = module.queue.dlq_message_retention_seconds == 1209600
    error_message = "The DLQ must keep messages for the 14-day maximum."
  }

  assert {
    condition     = module.queue.dlq_message_retention_seconds > module.queue.message_retention_seconds
    error_message = "The DLQ must keep messages longer than the source queue."
  }

  assert {
    condition     = module.queue.message_retention_seconds == 345600
    error_message = "The source queue retention must default to 4 days."
  }

  assert {
    condition     = module.queue.sqs_managed_sse_enabled
    error_message = "Both queues must use SSE-SQS."
  }

  assert {
    condition     = module.queue.dlq_max_message_size == 262144 && module.queue.max_message_size == 262144 - 4096
    error_message = "The DLQ must take 262144 bytes and the source queue 4096 less (room for the quarantine's attributes), got ${module.queue.dlq_max_message_size} and ${module.queue.max_message_size}."
  }

  assert {
    condition     = module.queue.fifo.queue == null || module.queue.fifo.queue == false
    error_message = "The default queue must be a standard queue."
  }
}

run "event_source_mapping" {
  command = plan

  assert {
    condition     = module.function.event_source_mapping.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The mapping must report batch item failures, or one failed record deletes the whole batch."
  }

  assert {
    condition     = module.function.event_source_mapping.event_source_arn == output.queue_arn
    error_message = "The mapping must read the source queue."
  }

  assert {
    condition     = module.function.event_source_mapping.batch_size == 10 && module.function.event_source_mapping.maximum_batching_window_in_seconds == 0
    error_message = "Unexpected default batch size or window: ${jsonencode(module.function.event_source_mapping)}."
  }

  assert {
    condition     = module.function.event_source_mapping.maximum_concurrency == null
    error_message = "No scaling_config by default."
  }
}

run "event_source_mapping_scaling" {
  command = plan

  variables {
    batch_size                         = 500
    maximum_batching_window_in_seconds = 20
    maximum_concurrency                = 50
    reserved_concurrent_executions     = 60
  }

  assert {
    condition     = module.function.event_source_mapping.batch_size == 500 && module.function.event_source_mapping.maximum_batching_window_in_seconds == 20
    error_message = "Batch size and window must be passed through."
  }

  assert {
    condition     = module.function.event_source_mapping.maximum_concurrency == 50
    error_message = "maximum_concurrency must set the mapping's scaling_config."
  }
}

run "queue_policies_deny_insecure_transport" {
  command = plan

  assert {
    condition = jsonencode(jsondecode(module.queue.queue_policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Action    = ["sqs:*"]
        Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
        Principal = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
    error_message = "The queue policy must only deny non-TLS access by default: ${module.queue.queue_policy_json}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.dlq_policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Action    = ["sqs:*"]
        Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"]
        Principal = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
    error_message = "The DLQ policy must only deny non-TLS access: ${module.queue.dlq_policy_json}."
  }
}

################################################################################
# IAM: least privilege
################################################################################

run "iam_policy_is_least_privilege" {
  command = plan

  assert {
    condition = jsonencode({
      for s in jsondecode(module.function.policy_json).Statement : s.Sid => {
        effect    = s.Effect
        actions   = sort(flatten([s.Action]))
        resources = sort(flatten([s.Resource]))
        condition = try(s.Condition, null)
      }
      }) == jsonencode({
      ConsumeQueue = {
        effect    = "Allow"
        actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
        resources = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
        condition = null
      }
      ListInputs = {
        effect    = "Allow"
        actions   = ["s3:ListBucket"]
        resources = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1"]
        condition = { StringLike = { "s3:prefix" = ["pngfiles/*"] } }
      }
      ListOutputs = {
        effect    = "Allow"
        actions   = ["s3:ListBucket"]
        resources = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1"]
        condition = { StringLike = { "s3:prefix" = ["jpgfiles/*"] } }
      }
      QuarantineFailures = {
        effect    = "Allow"
        actions   = ["sqs:SendMessage"]
        resources = ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"]
        condition = null
      }
      ReadInputs = {
        effect    = "Allow"
        actions   = ["s3:GetObject"]
        resources = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1/pngfiles/*"]
        condition = null
      }
      ReadOutputs = {
        effect    = "Allow"
        actions   = ["s3:GetObject"]
        resources = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1/jpgfiles/*"]
        condition = null
      }
      WriteLogs = {
        effect    = "Allow"
        actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/png2jpg:*"]
        condition = null
      }
      WriteOutputs = {
        effect    = "Allow"
        actions   = ["s3:PutObject"]
        resources = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1/jpgfiles/*"]
        condition = null
      }
    })
    error_message = "The execution role policy must hold exactly the eight scoped statements: ${module.function.policy_json}."
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(module.function.policy_json).Statement : [
      for v in concat(flatten([s.Action]), flatten([s.Resource])) : v != "*" && !endswith(v, ":*:*")
    ]]))
    error_message = "No \"*\" action or resource."
  }

  assert {
    condition     = jsondecode(module.function.policy_json).Version == "2012-10-17"
    error_message = "The policy must use the current policy language version."
  }

  assert {
    condition = jsonencode(jsondecode(module.function.assume_role_policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "LambdaAssumeRole"
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = ["sts:AssumeRole"]
      }]
    })
    error_message = "Only Lambda may assume the execution role: ${module.function.assume_role_policy_json}."
  }
}

run "iam_policy_follows_prefixes" {
  command = plan

  variables {
    input_prefix  = "in/png/"
    output_prefix = "out/"
  }

  assert {
    condition = toset(flatten([for s in jsondecode(module.function.policy_json).Statement : flatten([s.Resource]) if contains(["ReadInputs", "ReadOutputs", "WriteOutputs"], s.Sid)])) == toset([
      "arn:aws:s3:::png2jpg-images-123456789012-us-east-1/in/png/*",
      "arn:aws:s3:::png2jpg-images-123456789012-us-east-1/out/*",
    ])
    error_message = "S3 permissions must follow the prefixes: ${module.function.policy_json}."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.policy_json).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListInputs"]) == ["in/png/*"]
    error_message = "Listing must be limited to the input prefix: ${module.function.policy_json}."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.policy_json).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListOutputs"]) == ["out/*"]
    error_message = "Listing the outputs must be limited to the output prefix: ${module.function.policy_json}."
  }
}

run "iam_policy_with_tracing" {
  command = plan

  variables {
    tracing_mode = "Active"
  }

  assert {
    condition = jsonencode([for s in jsondecode(module.function.policy_json).Statement : {
      effect    = s.Effect
      actions   = sort(s.Action)
      resources = s.Resource
      } if s.Sid == "WriteTraces"]) == jsonencode([{
      effect    = "Allow"
      actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
      resources = ["*"]
    }])
    error_message = "Active tracing needs exactly the X-Ray write permissions: ${module.function.policy_json}."
  }

  assert {
    condition = alltrue(flatten([for s in jsondecode(module.function.policy_json).Statement : [
      for r in s.Resource : r != "*" || s.Sid == "WriteTraces"
    ]]))
    error_message = "Only X-Ray, which has no resource-level permissions, may use the \"*\" resource."
  }

  assert {
    condition     = length(jsondecode(module.function.policy_json).Statement) == 9
    error_message = "With tracing the role needs exactly nine statements: ${module.function.policy_json}."
  }
}

################################################################################
# Buckets
################################################################################

run "buckets_private_encrypted_tls_only" {
  command = plan

  assert {
    condition     = alltrue(values(module.image_bucket[0].public_access_block))
    error_message = "All four public access block settings must be true on the image bucket."
  }

  assert {
    condition     = alltrue(values(module.artifacts.public_access_block))
    error_message = "All four public access block settings must be true on the artifacts bucket."
  }

  assert {
    condition     = module.image_bucket[0].sse_algorithm == "AES256" && module.image_bucket[0].object_ownership == "BucketOwnerEnforced"
    error_message = "The image bucket must default to SSE-S3 and bucket-owner-enforced ownership."
  }

  assert {
    condition = jsonencode(jsondecode(module.image_bucket[0].policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:*"]
        Resource  = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1", "arn:aws:s3:::png2jpg-images-123456789012-us-east-1/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
    error_message = "The image bucket policy must only deny non-TLS requests: ${module.image_bucket[0].policy_json}."
  }

  assert {
    condition = jsonencode(jsondecode(module.artifacts.policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:*"]
        Resource  = ["arn:aws:s3:::png2jpg-artifacts-123456789012-us-east-1", "arn:aws:s3:::png2jpg-artifacts-123456789012-us-east-1/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
    error_message = "The artifacts bucket policy must only deny non-TLS requests: ${module.artifacts.policy_json}."
  }

  assert {
    condition     = jsonencode(module.image_bucket[0].lifecycle_rules) == jsonencode({ "abort-incomplete-multipart-uploads" = "Enabled" })
    error_message = "By default the image bucket aborts incomplete multipart uploads, and nothing else: ${jsonencode(module.image_bucket[0].lifecycle_rules)}."
  }
}

run "image_bucket_lifecycle_rules" {
  command = plan

  variables {
    input_expiration_days = 30
    versioning_enabled    = true
  }

  assert {
    condition = jsonencode(module.image_bucket[0].lifecycle_rules) == jsonencode({
      "abort-incomplete-multipart-uploads" = "Enabled"
      "expire-inputs"                      = "Enabled"
      "expire-noncurrent-versions"         = "Enabled"
    })
    error_message = "Unexpected lifecycle rules ${jsonencode(module.image_bucket[0].lifecycle_rules)}."
  }
}

run "image_bucket_without_lifecycle" {
  command = plan

  variables {
    abort_incomplete_multipart_upload_days = null
  }

  assert {
    condition     = length(module.image_bucket[0].lifecycle_rules) == 0
    error_message = "With no rule to set, the image bucket must get no lifecycle configuration."
  }
}

run "bucket_names_overridable" {
  command = plan

  variables {
    name                  = "imgconv"
    bucket_name           = "my-images"
    artifacts_bucket_name = "my-artifacts"
  }

  assert {
    condition     = output.bucket_name == "my-images" && output.artifacts_bucket_name == "my-artifacts"
    error_message = "bucket_name and artifacts_bucket_name must override the defaults."
  }

  assert {
    condition     = output.function_name == "imgconv" && output.queue_name == "imgconv" && output.dlq_name == "imgconv-dlq"
    error_message = "name must drive the other names."
  }

}

################################################################################
# Optional parts
################################################################################

run "alarm_email_creates_topic" {
  command = plan

  variables {
    alarm_email   = "ops@example.com"
    alarm_actions = ["arn:aws:sns:us-east-1:123456789012:existing"]
  }

  assert {
    condition     = length(module.alarms.alarm_actions) == 2
    error_message = "The new topic and the existing action must both be alarm actions."
  }

  assert {
    condition     = contains(module.alarms.alarm_actions, "arn:aws:sns:us-east-1:123456789012:existing")
    error_message = "alarm_actions must be wired to the alarms."
  }

  assert {
    condition = jsonencode(jsondecode(module.alarms.topic_policy_json)) == jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "AllowCloudWatchAlarms"
          Effect    = "Allow"
          Principal = { Service = "cloudwatch.amazonaws.com" }
          Action    = ["sns:Publish"]
          Resource  = ["arn:aws:sns:us-east-1:123456789012:png2jpg-alarms"]
          Condition = {
            ArnLike = {
              "aws:SourceArn" = [
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:png2jpg-dlq-not-empty",
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:png2jpg-function-errors",
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:png2jpg-function-throttles",
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:png2jpg-queue-oldest-message-age",
              ]
            }
          }
        },
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = ["sns:Publish"]
          Resource  = ["arn:aws:sns:us-east-1:123456789012:png2jpg-alarms"]
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
      ]
    })
    error_message = "Only this stack's alarms may publish to the topic, over TLS: ${module.alarms.topic_policy_json}."
  }
}

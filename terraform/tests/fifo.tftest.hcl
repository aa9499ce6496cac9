# FIFO mode: same system, FIFO queues, FIFO limits on the event source mapping, no S3 notifications.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
  fifo_queue        = true
}

run "fifo_names_and_queues" {
  command = plan

  assert {
    condition     = output.queue_name == "png2jpg.fifo" && output.dlq_name == "png2jpg-dlq.fifo"
    error_message = "FIFO queue names must end in .fifo, got ${output.queue_name} and ${output.dlq_name}."
  }

  assert {
    condition     = output.fifo_queue == true
    error_message = "The fifo_queue output must be true."
  }

  assert {
    condition     = module.queue.fifo.queue == true && module.queue.fifo.dlq == true
    error_message = "The queue and its DLQ must both be FIFO (SQS requires a FIFO queue's DLQ to be FIFO)."
  }

  assert {
    condition     = module.queue.fifo.content_based_deduplication == true
    error_message = "content_based_deduplication must default to true."
  }

  assert {
    condition     = output.queue_arn == "arn:aws:sqs:us-east-1:123456789012:png2jpg.fifo"
    error_message = "Unexpected queue ARN ${output.queue_arn}."
  }

  assert {
    condition     = module.queue.dlq_max_message_size - module.queue.max_message_size == 4096
    error_message = "The FIFO source queue must leave 4096 bytes of the DLQ's size for the quarantine's attributes."
  }
}

run "fifo_wiring_identical" {
  command = plan

  assert {
    condition     = jsondecode(module.queue.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq.fifo"
    error_message = "The FIFO queue must redrive to the FIFO DLQ: ${module.queue.redrive_policy}."
  }

  assert {
    condition     = jsondecode(module.queue.redrive_allow_policy).sourceQueueArns == ["arn:aws:sqs:us-east-1:123456789012:png2jpg.fifo"]
    error_message = "The FIFO DLQ must allow redrive from the FIFO queue: ${module.queue.redrive_allow_policy}."
  }

  assert {
    condition     = module.function.event_source_mapping.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The FIFO mapping must report batch item failures too."
  }

  assert {
    condition     = module.function.event_source_mapping.maximum_batching_window_in_seconds == null
    error_message = "A FIFO mapping must not set a batching window."
  }

  assert {
    condition     = module.function.event_source_mapping.event_source_arn == output.queue_arn
    error_message = "The mapping must read the FIFO queue."
  }

  assert {
    condition     = module.queue.visibility_timeout_seconds == 6 * 60
    error_message = "Visibility timeout must be 6 x timeout in FIFO mode too."
  }

  assert {
    condition = contains(flatten([for s in jsondecode(module.function.policy_json).Statement : flatten([s.Resource]) if s.Sid == "ConsumeQueue"]),
    "arn:aws:sqs:us-east-1:123456789012:png2jpg.fifo")
    error_message = "The role must be allowed to consume the FIFO queue: ${module.function.policy_json}."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.policy_json).Statement : s.Resource if s.Sid == "QuarantineFailures"]) == ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq.fifo"]
    error_message = "The function must be allowed to send permanent failures to the FIFO DLQ: ${module.function.policy_json}."
  }
}

run "fifo_content_based_deduplication_off" {
  command = plan

  variables {
    content_based_deduplication = false
  }

  assert {
    condition     = module.queue.fifo.content_based_deduplication == false
    error_message = "content_based_deduplication must be passed through."
  }
}

run "standard_queue_has_no_dedup_setting" {
  command = plan

  variables {
    fifo_queue = false
  }

  assert {
    condition     = output.queue_name == "png2jpg" && output.dlq_name == "png2jpg-dlq"
    error_message = "Standard queues have no .fifo suffix."
  }
}

run "fifo_batch_size_above_10_refused" {
  command = plan

  variables {
    batch_size = 11
  }

  # (The window's own rule, batches above 10 need a window, is not evaluated once batch_size is invalid.)
  expect_failures = [var.batch_size]
}

run "fifo_batching_window_refused" {
  command = plan

  variables {
    maximum_batching_window_in_seconds = 5
  }

  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "fifo_s3_notifications_refused" {
  command = plan

  variables {
    enable_s3_notifications = true
  }

  expect_failures = [var.enable_s3_notifications]
}

# The FIFO example plans FIFO queues and a mapping FIFO accepts. Mock AWS provider (nothing reaches AWS); the
# package is the module's test fixture.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_zip_path = "../../tests/fixtures/function.zip"
}

run "fifo_pipeline" {
  command = plan

  assert {
    condition     = output.fifo_queue && output.queue_arn == "arn:aws:sqs:us-east-1:123456789012:png2jpg-fifo.fifo"
    error_message = "The example must deploy FIFO queues, got ${output.queue_arn}."
  }

  assert {
    condition     = module.png2jpg.dlq_name == "png2jpg-fifo-dlq.fifo"
    error_message = "A FIFO queue needs a FIFO DLQ, got ${module.png2jpg.dlq_name}."
  }

  assert {
    condition     = output.bucket_name == "png2jpg-fifo-images-123456789012-us-east-1" && length(output.s3_notification_suffixes) == 0
    error_message = "The sender must upload and enqueue itself (S3 cannot notify a FIFO queue)."
  }
}

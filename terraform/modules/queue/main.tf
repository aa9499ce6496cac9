locals {
  suffix     = var.fifo_queue ? ".fifo" : ""
  queue_name = "${var.name}${local.suffix}"
  dlq_name   = "${var.name}-dlq${local.suffix}"

  # Built from the names so they are known at plan time (policies and redrive wiring show up in the plan).
  arn_prefix = "arn:${var.partition}:sqs:${var.region}:${var.account_id}"
  queue_arn  = "${local.arn_prefix}:${aws_sqs_queue.this.name}"
  dlq_arn    = "${local.arn_prefix}:${aws_sqs_queue.dlq.name}"

  # The same ARNs from the configured names only, for what is set on the queues themselves (their policies,
  # the DLQ's redrive allow policy): a queue cannot refer to its own attributes.
  planned_queue_arn = "${local.arn_prefix}:${local.queue_name}"
  planned_dlq_arn   = "${local.arn_prefix}:${local.dlq_name}"

  # The DLQ is created first, so its redrive allow policy names the source queue by its future ARN.
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.planned_queue_arn]
  })

  # SQS's maximum: a message that reached the DLQ near the end of the source queue's retention still gets
  # the full 14 days there (the DLQ keeps a message's original enqueue timestamp for standard queues).
  dlq_message_retention_seconds = 1209600

  # SQS counts a message's body plus its attributes' names, types and values against the queue's maximum size. The
  # function quarantines a permanent failure in the DLQ with the body unchanged and two attributes (ErrorClass,
  # ErrorMessage: at most 4096 bytes, png2jpg.quarantine.ATTRIBUTE_ROOM), so the source queue accepts that much
  # less than the DLQ and every message it accepts can be quarantined with its reason. 262144 is the most AWS
  # provider 5 accepts (SQS itself takes up to 1 MiB since 2025); these bodies are a few hundred bytes.
  dlq_max_message_size = 262144
  max_message_size     = local.dlq_max_message_size - 4096
}

################################################################################
# Dead-letter queue
################################################################################

resource "aws_sqs_queue" "dlq" {
  name                        = local.dlq_name
  fifo_queue                  = var.fifo_queue ? true : null
  content_based_deduplication = var.fifo_queue ? var.content_based_deduplication : null
  message_retention_seconds   = local.dlq_message_retention_seconds
  max_message_size            = local.dlq_max_message_size
  sqs_managed_sse_enabled     = true
  tags                        = var.tags

  # Only the source queue may use this queue as its DLQ. Set here rather than with a separate
  # aws_sqs_queue_redrive_allow_policy: destroying that resource clears the attribute and waits for it to read
  # back empty, which never happens on LocalStack 4.9 (the e2e target), so destroy hangs.
  redrive_allow_policy = local.redrive_allow_policy

  # Set on the queue rather than with aws_sqs_queue_policy: that resource waits about 25 s on create and on
  # destroy for the attribute to settle (LocalStack), on top of the queue's own wait.
  policy = local.dlq_policy
}

################################################################################
# Source queue
################################################################################

resource "aws_sqs_queue" "this" {
  name                        = local.queue_name
  fifo_queue                  = var.fifo_queue ? true : null
  content_based_deduplication = var.fifo_queue ? var.content_based_deduplication : null
  visibility_timeout_seconds  = var.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds
  max_message_size            = local.max_message_size
  sqs_managed_sse_enabled     = true
  tags                        = var.tags

  redrive_policy = jsonencode({
    deadLetterTargetArn = local.dlq_arn
    maxReceiveCount     = var.max_receive_count
  })

  policy = local.queue_policy

  lifecycle {
    precondition {
      condition     = var.message_retention_seconds < local.dlq_message_retention_seconds
      error_message = "The source queue must keep messages for less time than its DLQ (${local.dlq_message_retention_seconds} s)."
    }
  }
}

################################################################################
# Queue policies: TLS only, and S3 event notifications when enabled
################################################################################

# Built with jsonencode() rather than aws_iam_policy_document: known at plan time, testable under a mock provider.
# Set through each queue's own policy argument (above).
locals {
  queue_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = ["sqs:*"]
          Resource  = [local.planned_queue_arn]
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
      ],
      var.s3_source_bucket_arn == null ? [] : [
        {
          Sid       = "AllowS3EventNotifications"
          Effect    = "Allow"
          Principal = { Service = "s3.amazonaws.com" }
          Action    = ["sqs:SendMessage"]
          Resource  = [local.planned_queue_arn]
          Condition = {
            ArnEquals    = { "aws:SourceArn" = var.s3_source_bucket_arn }
            StringEquals = { "aws:SourceAccount" = var.account_id }
          }
        },
      ],
    )
  })

  dlq_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sqs:*"]
        Resource  = [local.planned_dlq_arn]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

locals {
  # One wildcard per suffix: "<input prefix>*<suffix>". Backslash and asterisk are escaped so that a suffix
  # matches itself only (the input prefix is validated free of both).
  key_patterns = [for suffix in var.suffixes : {
    wildcard = "${var.input_prefix}*${replace(replace(suffix, "\\", "\\\\"), "*", "\\*")}"
  }]

  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = local.key_patterns }
    }
  })
}

################################################################################
# Rule: the bucket's Object Created events under the input prefix
################################################################################

# S3 sends events to the default event bus of the bucket's account and region once the bucket's EventBridge
# notifications are on; this rule reads them there and changes nothing on the bucket.
resource "aws_cloudwatch_event_rule" "this" {
  name          = var.name
  description   = "Uploads to s3://${var.bucket_name}/${var.input_prefix} that the png2jpg function converts"
  event_pattern = local.event_pattern
  tags          = var.tags
}

################################################################################
# Target: the queue, the event as the message body
################################################################################

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "queue"
  arn       = var.queue_arn

  # An event EventBridge cannot deliver (the queue's policy or key refuses it, the queue is gone) goes to the
  # pipeline's DLQ after EventBridge's retries, rather than being dropped: the DLQ alarm fires and a redrive sends
  # it to the queue once fixed.
  dynamic "dead_letter_config" {
    for_each = var.dead_letter_arn == null ? [] : [var.dead_letter_arn]

    content {
      arn = dead_letter_config.value
    }
  }

  # A FIFO queue needs a message group: EventBridge sets one fixed group per target, so the uploads are
  # converted one at a time, in the order EventBridge delivers them.
  dynamic "sqs_target" {
    for_each = var.message_group_id == null ? [] : [var.message_group_id]

    content {
      message_group_id = sqs_target.value
    }
  }
}

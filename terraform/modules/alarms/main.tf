locals {
  create_topic = var.alarm_email != null
  actions      = concat(aws_sns_topic.this[*].arn, var.alarm_actions)

  topic_name = "${var.name}-alarms"

  # One alarm per way the pipeline stops converting: each fires on the first minute with any such event.
  alarms = {
    dlq_not_empty = {
      name        = "${var.name}-dlq-not-empty"
      description = "Messages in ${var.dlq_name}: images that ${var.name} could not convert. Their ErrorClass/ErrorMessage attributes or the function's logs say why; fix, then redrive."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.dlq_name }
      statistic   = "Maximum"
      threshold   = 0
    }
    queue_age = {
      name        = "${var.name}-queue-oldest-message-age"
      description = "The oldest message in ${var.queue_name} is older than ${var.queue_age_alarm_threshold_seconds} s: ${var.name} is not keeping up or not consuming."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateAgeOfOldestMessage"
      dimensions  = { QueueName = var.queue_name }
      statistic   = "Maximum"
      threshold   = var.queue_age_alarm_threshold_seconds
    }
    # The handler reports a bad record in its result instead of raising, so an invocation error is a crash of
    # the whole batch: a timeout, running out of memory, or a package that cannot be imported.
    function_errors = {
      name        = "${var.name}-function-errors"
      description = "Invocations of ${var.name} failed as a whole (timeout, out of memory, import error): their batches come back and may reach the DLQ. Read the function's logs."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = var.function_name }
      statistic   = "Sum"
      threshold   = 0
    }
    function_throttles = {
      name        = "${var.name}-function-throttles"
      description = "Invocations of ${var.name} were throttled: each one returns its batch to the queue and uses up a receive. Lower maximum_concurrency or raise the reserved or account concurrency."
      namespace   = "AWS/Lambda"
      metric_name = "Throttles"
      dimensions  = { FunctionName = var.function_name }
      statistic   = "Sum"
      threshold   = 0
    }
  }

  # Built from the names so the topic policy is known at plan time.
  topic_arn        = "arn:${var.partition}:sns:${var.region}:${var.account_id}:${local.topic_name}"
  alarm_arn_prefix = "arn:${var.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:"

  topic_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowCloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["sns:Publish"]
        Resource  = [local.topic_arn]
        Condition = {
          ArnLike = {
            "aws:SourceArn" = [for alarm in values(local.alarms) : "${local.alarm_arn_prefix}${alarm.name}"]
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish"]
        Resource  = [local.topic_arn]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

################################################################################
# Optional SNS topic with an email subscription
################################################################################

# Never encrypted with the AWS-managed alias/aws/sns key: CloudWatch alarms cannot publish to such a topic (that
# key's policy cannot allow cloudwatch.amazonaws.com). kms_key_arn takes a customer-managed key whose policy does.
resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = local.topic_name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.this[0].arn
  policy = local.topic_policy
}

resource "aws_sns_topic_subscription" "email" {
  count = local.create_topic ? 1 : 0

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

################################################################################
# Alarms
################################################################################

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name        = each.value.name
  alarm_description = each.value.description

  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"

  alarm_actions = local.actions
  ok_actions    = local.actions
  tags          = var.tags
}

locals {
  create_topic = var.alarm_email != null
  actions      = concat(aws_sns_topic.this[*].arn, var.alarm_actions)

  topic_name           = "${var.name}-alarms"
  dlq_alarm_name       = "${var.name}-dlq-not-empty"
  queue_age_alarm_name = "${var.name}-queue-oldest-message-age"

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
            "aws:SourceArn" = [
              "${local.alarm_arn_prefix}${local.dlq_alarm_name}",
              "${local.alarm_arn_prefix}${local.queue_age_alarm_name}",
            ]
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

# Not encrypted with the AWS-managed alias/aws/sns key on purpose: CloudWatch alarms cannot publish to such a
# topic (that key's policy cannot allow cloudwatch.amazonaws.com). topic_kms_key_id takes a customer-managed
# key whose policy does.
resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = local.topic_name
  kms_master_key_id = var.topic_kms_key_id
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

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name        = local.dlq_alarm_name
  alarm_description = "Messages in ${var.dlq_name}: images that failed ${var.name} repeatedly. Read the function's logs for why, fix, then redrive."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateNumberOfMessagesVisible"
  dimensions = {
    QueueName = var.dlq_name
  }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  alarm_actions = local.actions
  ok_actions    = local.actions
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  alarm_name        = local.queue_age_alarm_name
  alarm_description = "The oldest message in ${var.queue_name} is older than ${var.queue_age_threshold_seconds} s: ${var.name} is not keeping up or not consuming."

  namespace   = "AWS/SQS"
  metric_name = "ApproximateAgeOfOldestMessage"
  dimensions = {
    QueueName = var.queue_name
  }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.queue_age_threshold_seconds
  treat_missing_data  = "notBreaching"

  alarm_actions = local.actions
  ok_actions    = local.actions
  tags          = var.tags
}

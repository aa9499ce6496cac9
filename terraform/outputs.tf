################################################################################
# Image bucket (read by the sender)
################################################################################

output "bucket_name" {
  description = "Name of the image bucket (the kit's own, or the existing one with create_bucket = false)."
  value       = local.bucket_name
}

output "bucket_arn" {
  description = "ARN of the image bucket."
  value       = local.bucket_arn
}

output "bucket_created" {
  description = "Whether the kit created the image bucket (false: an existing bucket it leaves as it is)."
  value       = var.create_bucket
}

output "input_prefix" {
  description = "Key prefix the PNGs are uploaded under."
  value       = var.input_prefix
}

output "output_prefix" {
  description = "Key prefix the JPEGs are written under."
  value       = var.output_prefix
}

################################################################################
# Queues
################################################################################

output "queue_url" {
  description = "URL of the queue the sender posts {\"bucket\", \"key\"} messages to."
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "ARN of the queue."
  value       = module.queue.queue_arn
}

output "queue_name" {
  description = "Name of the queue (ends in .fifo in FIFO mode)."
  value       = module.queue.queue_name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.queue.dlq_url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.queue.dlq_arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (ends in .fifo in FIFO mode)."
  value       = module.queue.dlq_name
}

output "fifo_queue" {
  description = "Whether the queues are FIFO (the sender must then set a MessageGroupId)."
  value       = var.fifo_queue
}

output "s3_event_source" {
  description = "What enqueues each upload: sender, s3 (S3 event notifications) or eventbridge (an EventBridge rule)."
  value       = var.s3_event_source
}

output "s3_notification_suffixes" {
  description = "Key suffixes under the input prefix whose uploads S3 or EventBridge enqueues; empty when s3_event_source is sender. When set, the sender only uploads, and skips files that no suffix matches."
  value       = var.s3_event_source == "sender" ? [] : var.s3_notification_suffixes
}

output "eventbridge_rule_arn" {
  description = "ARN of the EventBridge rule that sends the bucket's Object Created events to the queue, or null unless s3_event_source is eventbridge."
  value       = var.s3_event_source == "eventbridge" ? local.eventbridge_rule_arn : null
}

output "sns_subscription_arns" {
  description = "ARNs of the queue's subscriptions to sns_topic_arns, by topic ARN."
  value       = { for topic, subscription in aws_sns_topic_subscription.this : topic => subscription.arn }
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the bucket the kit creates, the queues, the log group and the alarm topic, or null."
  value       = var.kms_key_arn
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = module.function.function_arn
}

output "function_role_name" {
  description = "Name of the function's execution role (to attach more permissions, e.g. on a KMS key)."
  value       = module.function.role_name
}

output "function_role_arn" {
  description = "ARN of the function's execution role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = module.function.log_group_name
}

output "artifacts_bucket_name" {
  description = "Name of the bucket holding the deployment package."
  value       = module.artifacts.bucket_name
}

################################################################################
# Monitoring: alarms and dashboard
################################################################################

output "dlq_alarm_name" {
  description = "Name of the alarm on messages in the DLQ."
  value       = module.alarms.alarms.dlq_not_empty.name
}

output "queue_age_alarm_name" {
  description = "Name of the alarm on the age of the queue's oldest message."
  value       = module.alarms.alarms.queue_age.name
}

output "function_errors_alarm_name" {
  description = "Name of the alarm on failed invocations of the function (timeouts, out of memory, import errors)."
  value       = module.alarms.alarms.function_errors.name
}

output "function_throttles_alarm_name" {
  description = "Name of the alarm on throttled invocations of the function."
  value       = module.alarms.alarms.function_throttles.name
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic created for alarm_email, or null when none."
  value       = module.alarms.alarm_topic_arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard, or null when enable_dashboard is false."
  value       = one(module.dashboard[*].dashboard_name)
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard, or null when enable_dashboard is false."
  value       = one(module.dashboard[*].dashboard_url)
}

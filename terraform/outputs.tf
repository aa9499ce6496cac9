################################################################################
# Image bucket (read by the sender)
################################################################################

output "bucket_name" {
  description = "Name of the image bucket."
  value       = module.image_bucket.name
}

output "bucket_arn" {
  description = "ARN of the image bucket."
  value       = module.image_bucket.arn
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

output "s3_notification_suffixes" {
  description = "Key suffixes under the input prefix for which S3 sends the queue an event; empty when enable_s3_notifications is false. When set, the sender only uploads, and skips files that no suffix matches."
  value       = var.enable_s3_notifications ? var.s3_notification_suffixes : []
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

output "dlq_alarm_name" {
  description = "Name of the alarm on messages in the DLQ."
  value       = aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name
}

output "queue_age_alarm_name" {
  description = "Name of the alarm on the age of the oldest message in the source queue."
  value       = aws_cloudwatch_metric_alarm.queue_age.alarm_name
}

output "topic_arn" {
  description = "ARN of the SNS topic created for alarm_email, or null when none was created."
  value       = one(aws_sns_topic.this[*].arn)
}

output "alarm_actions" {
  description = "Actions notified by both alarms."
  value       = local.actions
}

output "topic_policy_json" {
  description = "Access policy of the SNS topic created for alarm_email (JSON), or null when none was created."
  value       = local.create_topic ? local.topic_policy : null
}

output "alarms" {
  description = "The alarms by what they watch (dlq_not_empty, queue_age, function_errors, function_throttles): name, metric, threshold and actions."
  value = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => {
    name          = alarm.alarm_name
    namespace     = alarm.namespace
    metric_name   = alarm.metric_name
    dimensions    = alarm.dimensions
    statistic     = alarm.statistic
    threshold     = alarm.threshold
    alarm_actions = alarm.alarm_actions
    ok_actions    = alarm.ok_actions
  } }
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic created for alarm_email, or null when none was created."
  value       = one(aws_sns_topic.this[*].arn)
}

output "topic_kms_key_id" {
  description = "KMS key encrypting the SNS topic created for alarm_email, or null (no topic, or no key)."
  value       = one(aws_sns_topic.this[*].kms_master_key_id)
}

output "alarm_actions" {
  description = "Actions notified by every alarm."
  value       = local.actions
}

output "topic_policy_json" {
  description = "Access policy of the SNS topic created for alarm_email (JSON), or null when none was created."
  value       = local.create_topic ? local.topic_policy : null
}

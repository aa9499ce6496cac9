output "rule_name" {
  description = "Name of the rule."
  value       = aws_cloudwatch_event_rule.this.name
}

output "rule_arn" {
  description = "ARN of the rule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "event_pattern" {
  description = "The rule's event pattern (JSON)."
  value       = local.event_pattern
}

output "target" {
  description = "Where the rule sends the events: the queue's ARN, for a FIFO queue the message group (else null), and the dead-letter queue of the events it could not deliver (else null)."
  value = {
    arn              = aws_cloudwatch_event_target.this.arn
    message_group_id = try(one(aws_cloudwatch_event_target.this.sqs_target).message_group_id, null)
    dead_letter_arn  = try(one(aws_cloudwatch_event_target.this.dead_letter_config).arn, null)
  }
}

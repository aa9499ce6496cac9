output "queue_url" {
  description = "URL of the source queue."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the source queue."
  value       = local.queue_arn
}

output "queue_name" {
  description = "Name of the source queue (ends in .fifo for a FIFO queue)."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = local.dlq_arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (ends in .fifo for a FIFO queue)."
  value       = aws_sqs_queue.dlq.name
}

output "queue_policy_json" {
  description = "The source queue's access policy (JSON)."
  value       = data.aws_iam_policy_document.this.json
}

output "queue_policy_id" {
  description = "ID of the source queue's policy resource (depend on it before enabling S3 notifications)."
  value       = aws_sqs_queue_policy.this.id
}

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
  value       = local.queue_policy
}

output "dlq_policy_json" {
  description = "The DLQ's access policy (JSON)."
  value       = local.dlq_policy
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the source queue in seconds."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "message_retention_seconds" {
  description = "Message retention of the source queue in seconds."
  value       = aws_sqs_queue.this.message_retention_seconds
}

output "dlq_message_retention_seconds" {
  description = "Message retention of the DLQ in seconds (SQS's 14-day maximum)."
  value       = aws_sqs_queue.dlq.message_retention_seconds
}

output "max_message_size" {
  description = "Largest message the source queue accepts, in bytes (body plus attributes)."
  value       = aws_sqs_queue.this.max_message_size
}

output "dlq_max_message_size" {
  description = "Largest message the DLQ accepts, in bytes: the source queue's plus room for the quarantine's attributes."
  value       = aws_sqs_queue.dlq.max_message_size
}

output "redrive_policy" {
  description = "Redrive policy of the source queue (JSON: deadLetterTargetArn, maxReceiveCount)."
  value       = aws_sqs_queue.this.redrive_policy
}

output "redrive_allow_policy" {
  description = "Redrive allow policy of the DLQ (JSON: byQueue, the source queue's ARN)."
  value       = aws_sqs_queue.dlq.redrive_allow_policy
}

output "fifo" {
  description = "Whether the source queue and the DLQ are FIFO queues."
  value = {
    queue                       = aws_sqs_queue.this.fifo_queue
    dlq                         = aws_sqs_queue.dlq.fifo_queue
    content_based_deduplication = aws_sqs_queue.this.content_based_deduplication
  }
}

output "sqs_managed_sse_enabled" {
  description = "Whether SSE-SQS is on for the source queue and the DLQ."
  value       = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled
}

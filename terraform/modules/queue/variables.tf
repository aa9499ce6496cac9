variable "name" {
  description = "Base name of the queue. The DLQ is \"<name>-dlq\"; both get a \".fifo\" suffix when fifo_queue is true."
  type        = string
}

variable "account_id" {
  description = "AWS account ID (12 digits) the queues live in, used to build their ARNs."
  type        = string
}

variable "region" {
  description = "AWS region the queues live in, used to build their ARNs."
  type        = string
}

variable "partition" {
  description = "AWS partition (\"aws\", \"aws-cn\", \"aws-us-gov\"), used to build ARNs."
  type        = string
}

variable "fifo_queue" {
  description = "Whether the queue and its DLQ are FIFO queues."
  type        = bool
  default     = false
}

variable "content_based_deduplication" {
  description = "FIFO only: deduplicate by a SHA-256 of the body when the sender gives no MessageDeduplicationId."
  type        = bool
  default     = true
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the source queue in seconds, an integer from 0 to 43200 (12 hours)."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 0 and 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long the source queue keeps a message, in seconds: from 60 to 1209599 (strictly less than the DLQ's 14 days)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds < 1209600
    error_message = "message_retention_seconds must be at least 60 and less than 1209600 (the DLQ's 14 days)."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the DLQ, an integer from 1 to 1000."
  type        = number
  default     = 5
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key encrypting both queues (SSE-KMS). Null = SSE-SQS. Every producer and consumer, AWS services included, then needs the key: its policy must allow them."
  type        = string
  default     = null
}

variable "s3_source_bucket_arn" {
  description = "ARN of a bucket allowed to send its event notifications to the queue (s3.amazonaws.com, from this account). Null allows none."
  type        = string
  default     = null
}

variable "eventbridge_rule_arn" {
  description = "ARN of an EventBridge rule allowed to send to the queue, and to the DLQ what it could not deliver (events.amazonaws.com, from that rule only; not to a FIFO DLQ). Null allows none."
  type        = string
  default     = null
}

variable "sns_topic_arns" {
  description = "ARNs of SNS topics allowed to send to the queue, and to the DLQ what they could not deliver (sns.amazonaws.com, from these topics only)."
  type        = list(string)
  default     = []
}

variable "sender_principals" {
  description = "ARNs of IAM roles or accounts allowed sqs:SendMessage on the queue, and nothing else."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the queues (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

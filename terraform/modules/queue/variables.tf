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

variable "s3_source_bucket_arn" {
  description = "ARN of a bucket allowed to send its event notifications to the queue. Null allows none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to the queues (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

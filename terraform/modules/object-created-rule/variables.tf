variable "name" {
  description = "Name of the rule on the default event bus: up to 64 letters, digits and . - _. S3 sends a bucket's events to the default event bus of the bucket's own account and region: the rule must be there."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, dots, hyphens and underscores."
  }
}

variable "bucket_name" {
  description = "Name of the bucket whose Object Created events the rule matches. Its EventBridge notifications must be on."
  type        = string
}

variable "input_prefix" {
  description = "Key prefix the matched objects start with (ending with a slash, free of * and \\)."
  type        = string
}

variable "suffixes" {
  description = "Key suffixes (case-sensitive) the matched objects end with; an object matches when its key starts with input_prefix and ends with one of them."
  type        = list(string)

  validation {
    condition     = length(var.suffixes) >= 1
    error_message = "suffixes must hold at least one suffix."
  }
}

variable "queue_arn" {
  description = "ARN of the queue the matched events are sent to. Its policy must allow events.amazonaws.com from this rule (rule_arn)."
  type        = string
}

variable "dead_letter_arn" {
  description = "ARN of a standard SQS queue that receives the events EventBridge could not deliver (EventBridge supports no FIFO queue there); its policy must allow events.amazonaws.com from this rule. Null = failed events are dropped after EventBridge's retries."
  type        = string
  default     = null
}

variable "message_group_id" {
  description = "Message group of every event sent to a FIFO queue (which must have content-based deduplication on). Null for a standard queue."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to the rule (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

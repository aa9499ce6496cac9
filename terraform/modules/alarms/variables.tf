variable "name" {
  description = "Base name of the alarms and of the optional SNS topic."
  type        = string
}

variable "account_id" {
  description = "AWS account ID (12 digits), used to build the topic and alarm ARNs in the topic policy."
  type        = string
}

variable "region" {
  description = "AWS region, used to build the topic and alarm ARNs in the topic policy."
  type        = string
}

variable "partition" {
  description = "AWS partition (\"aws\", \"aws-cn\", \"aws-us-gov\"), used to build ARNs."
  type        = string
}

variable "queue_name" {
  description = "Name of the source queue watched for old messages."
  type        = string
}

variable "dlq_name" {
  description = "Name of the dead-letter queue watched for messages."
  type        = string
}

variable "function_name" {
  description = "Name of the Lambda function watched for invocation errors and throttles."
  type        = string
}

variable "queue_age_alarm_threshold_seconds" {
  description = "The queue-age alarm fires when the oldest message in the source queue is older than this, in seconds (60 to 1209600)."
  type        = number
}

variable "alarm_email" {
  description = "Email address subscribed to a new SNS topic that receives the alarms. Null creates no topic."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs of existing actions (e.g. SNS topics) notified on ALARM and OK, in addition to the topic created for alarm_email."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key encrypting the SNS topic. Its key policy must let cloudwatch.amazonaws.com use it (kms:Decrypt, kms:GenerateDataKey*). Null = no KMS encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

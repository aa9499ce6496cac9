################################################################################
# Context
################################################################################

variable "name" {
  description = "Name of the function; also the base of its role and log group names."
  type        = string
}

variable "account_id" {
  description = "AWS account ID (12 digits), used to build the log group ARN."
  type        = string
}

variable "region" {
  description = "AWS region, used to build the log group ARN."
  type        = string
}

variable "partition" {
  description = "AWS partition (\"aws\", \"aws-cn\", \"aws-us-gov\"), used to build ARNs."
  type        = string
}

variable "dns_suffix" {
  description = "DNS suffix of the partition's service endpoints (\"amazonaws.com\", \"amazonaws.com.cn\"), used in the kms:ViaService condition."
  type        = string
  default     = "amazonaws.com"
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Code
################################################################################

variable "package_bucket" {
  description = "Name of the artifacts bucket holding the deployment package."
  type        = string
}

variable "package_key" {
  description = "S3 key of the deployment package."
  type        = string
}

variable "package_version" {
  description = "S3 version ID of the deployment package; a new version redeploys the function."
  type        = string
}

variable "source_code_hash" {
  description = "Base64-encoded SHA-256 of the deployment package (filebase64sha256), so a changed zip redeploys. Null while the package is missing (the root refuses to plan then)."
  type        = string
}

variable "handler" {
  description = "Function entry point, module.path.function."
  type        = string
  default     = "png2jpg.handler.lambda_handler"
}

################################################################################
# Runtime
################################################################################

variable "runtime" {
  description = "Lambda runtime identifier: python3.12 or python3.13."
  type        = string
}

variable "architecture" {
  description = "Instruction set: x86_64 or arm64."
  type        = string
}

variable "memory_size" {
  description = "Memory in MB, an integer from 128 to 10240."
  type        = number
}

variable "timeout" {
  description = "Function timeout in seconds, an integer from 1 to 900 (15 minutes)."
  type        = number
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function, an integer from 1. Null leaves the function unreserved."
  type        = number
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing mode: PassThrough or Active."
  type        = string
  default     = "PassThrough"
}

variable "environment_variables" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days (one of CloudWatch Logs' allowed values; 0 = never expire)."
  type        = number
}

variable "log_level" {
  description = "Lowest level of the function's own JSON log records (their \"level\" field) that Lambda sends to CloudWatch: TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  type        = string
  default     = "INFO"
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's own log records (START, END, REPORT, ...) sent to CloudWatch: DEBUG, INFO or WARN."
  type        = string
  default     = "WARN"
}

################################################################################
# Permissions
################################################################################

variable "image_bucket_arn" {
  description = "ARN of the image bucket the function reads from and writes to."
  type        = string
}

variable "input_prefix" {
  description = "Key prefix the function may read (s3:GetObject) and list (s3:ListBucket with an s3:prefix condition, so a missing key reads as 404 rather than 403). Free of IAM wildcard and policy-variable characters (the root validates it)."
  type        = string
}

variable "output_prefix" {
  description = "Key prefix the function may write (s3:PutObject). Free of IAM wildcard and policy-variable characters (the root validates it)."
  type        = string
}

variable "bucket_kms_key_arn" {
  description = "ARN of the KMS key encrypting the image bucket's objects, if any; grants kms:Decrypt and kms:GenerateDataKey through S3 only."
  type        = string
  default     = null
}

variable "queue_kms_key_arn" {
  description = "ARN of the KMS key encrypting the queue and the DLQ, if any; grants kms:Decrypt and kms:GenerateDataKey through SQS only."
  type        = string
  default     = null
}

variable "log_kms_key_arn" {
  description = "ARN of the KMS key encrypting the log group, if any (its key policy must allow logs.<region>.amazonaws.com; the role needs nothing on it). Null = CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

################################################################################
# Event source mapping
################################################################################

variable "queue_arn" {
  description = "ARN of the SQS queue the function consumes."
  type        = string
}

variable "dlq_arn" {
  description = "ARN of the dead-letter queue the function sends permanent failures to (sqs:SendMessage, nothing else)."
  type        = string
}

variable "batch_size" {
  description = "Largest number of records per invocation: 1 to 10000 (standard queue), 1 to 10 (FIFO queue)."
  type        = number
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds to gather records before invoking (0 to 300). Null for FIFO queues, which do not support it."
  type        = number
  default     = null
}

variable "maximum_concurrency" {
  description = "Most concurrent invocations the mapping starts, an integer from 2 to 1000. Null = no limit. Mutually exclusive with provisioned_poller_config."
  type        = number
  default     = null
}

variable "enable_event_source_mapping_metrics" {
  description = "Whether the mapping publishes its EventCount metrics (metrics_config) to CloudWatch (AWS/Lambda, by EventSourceMappingUUID)."
  type        = bool
  default     = true
}

variable "provisioned_poller_config" {
  description = "Provisioned mode of the mapping: minimum_pollers (2 to 200) and maximum_pollers (2 to 2000) kept ready. Null = standard mode. Mutually exclusive with maximum_concurrency."
  type = object({
    minimum_pollers = number
    maximum_pollers = number
  })
  default = null
}

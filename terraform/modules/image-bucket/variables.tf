variable "bucket_name" {
  description = "Globally unique name of the image bucket (3 to 63 lowercase letters, digits, dots and hyphens)."
  type        = string
}

variable "partition" {
  description = "AWS partition the bucket lives in (\"aws\", \"aws-cn\", \"aws-us-gov\"), used to build its ARN."
  type        = string
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects. Keep false outside test stacks."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for SSE-KMS default encryption. Null keeps SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "versioning_enabled" {
  description = "Whether S3 versioning is enabled on the bucket."
  type        = bool
  default     = false
}

variable "input_prefix" {
  description = "Key prefix of the input PNGs (ends with a slash), used by the input expiry rule."
  type        = string
}

variable "input_expiration_days" {
  description = "Days after which objects under the input prefix expire. Null disables expiry."
  type        = number
  default     = null
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted (and their parts deleted). Null = no such rule; with no input expiry and no versioning either, the bucket gets no lifecycle configuration."
  type        = number
  default     = 7
}

variable "sender_principals" {
  description = "ARNs of IAM roles or accounts allowed s3:PutObject under the input prefix, and nothing else."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the bucket (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "bucket_name" {
  description = "Globally unique name of the bucket: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "partition" {
  description = "AWS partition the bucket lives in (\"aws\", \"aws-cn\", \"aws-us-gov\", ...), used to build its ARN at plan time."
  type        = string

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition such as aws, aws-cn or aws-us-gov."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (all versions). Keep false outside test stacks."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for SSE-KMS default encryption, with an S3 bucket key to cut KMS requests. Null = SSE-S3 (AES256)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "versioning_enabled" {
  description = "Whether S3 versioning is enabled on the bucket. Once enabled it can only be suspended, not removed (turning this off later destroys the versioning resource but leaves the bucket versioned)."
  type        = bool
  default     = false
}

variable "allow_statements" {
  description = "Allow statements added to the bucket policy after its TLS-only deny: each grants actions to AWS principals (role or account ARNs) on objects whose keys match object_paths (\"prefix/*\"). Nothing on the bucket itself."
  type = list(object({
    sid          = string
    principals   = list(string)
    actions      = list(string)
    object_paths = list(string)
  }))
  default = []
}

variable "tags" {
  description = "Tags added to the bucket (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

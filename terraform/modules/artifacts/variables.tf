variable "bucket_name" {
  description = "Globally unique name of the artifacts bucket (3 to 63 lowercase letters, digits, dots and hyphens)."
  type        = string
}

variable "partition" {
  description = "AWS partition the bucket lives in (\"aws\", \"aws-cn\", \"aws-us-gov\"), used to build its ARN."
  type        = string
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (all versions)."
  type        = bool
  default     = false
}

variable "package_path" {
  description = "Local path of the deployment package (zip) to upload. Must exist when its resources are planned."
  type        = string
}

variable "package_key" {
  description = "S3 key of the uploaded deployment package."
  type        = string
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced deployment package is kept (for rollbacks) before it expires."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to the bucket and the package object (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

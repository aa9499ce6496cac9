variable "name" {
  description = "Name of the dashboard: up to 255 letters, digits, hyphens and underscores."
  type        = string
}

variable "region" {
  description = "AWS region of the metrics and of the console URL."
  type        = string
}

variable "partition" {
  description = "AWS partition (\"aws\", \"aws-cn\", \"aws-us-gov\"), which decides the console's host name."
  type        = string
}

variable "queue_name" {
  description = "Name of the source queue (visible messages, age of the oldest)."
  type        = string
}

variable "dlq_name" {
  description = "Name of the dead-letter queue (its depth)."
  type        = string
}

variable "function_name" {
  description = "Name of the Lambda function: the FunctionName dimension of its AWS/Lambda metrics and of the kit's EMF metrics."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics the function emits in Embedded Metric Format (ImagesConverted, ImagesFailed by ErrorClass, ImagesDeferred, Megapixels, ...)."
  type        = string
}

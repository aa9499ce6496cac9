################################################################################
# Context: account, region and partition, read once
################################################################################

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  bucket_name           = coalesce(var.bucket_name, "${var.name}-images-${local.account_id}-${local.region}")
  artifacts_bucket_name = coalesce(var.artifacts_bucket_name, "${var.name}-artifacts-${local.account_id}-${local.region}")

  function_zip_path = coalesce(var.function_zip_path, "${path.module}/../build/function.zip")

  # AWS's recommendation for a Lambda consumer: at least six function timeouts plus the batching window,
  # so a message is not redelivered while a (retried) invocation is still working on it.
  minimum_visibility_timeout_seconds = 6 * var.timeout + var.maximum_batching_window_in_seconds
  visibility_timeout_seconds         = coalesce(var.visibility_timeout_seconds, local.minimum_visibility_timeout_seconds)

  # The log level is not among them: Lambda filters the function's JSON log lines by their "level" field
  # (logging_config.application_log_level = var.log_level).
  function_environment = merge(var.environment_variables, {
    INPUT_PREFIX      = var.input_prefix
    OUTPUT_PREFIX     = var.output_prefix
    JPEG_QUALITY      = tostring(var.jpeg_quality)
    MAX_PIXELS        = tostring(var.max_pixels)
    MAX_INPUT_BYTES   = tostring(var.max_input_bytes)
    MATTE_COLOR       = var.matte_color
    ALLOWED_BUCKETS   = module.image_bucket.name
    MAX_WORKERS       = tostring(var.max_workers)
    MAX_RECEIVE_COUNT = tostring(var.max_receive_count)
  })
}

################################################################################
# Image bucket
################################################################################

module "image_bucket" {
  source = "./modules/image-bucket"

  bucket_name                            = local.bucket_name
  partition                              = local.partition
  force_destroy                          = var.force_destroy
  kms_key_arn                            = var.kms_key_arn
  versioning_enabled                     = var.versioning_enabled
  input_prefix                           = var.input_prefix
  input_expiration_days                  = var.input_expiration_days
  abort_incomplete_multipart_upload_days = var.abort_incomplete_multipart_upload_days
}

################################################################################
# Queue and dead-letter queue
################################################################################

module "queue" {
  source = "./modules/queue"

  name       = var.name
  account_id = local.account_id
  region     = local.region
  partition  = local.partition

  fifo_queue                  = var.fifo_queue
  content_based_deduplication = var.content_based_deduplication
  visibility_timeout_seconds  = local.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds
  max_receive_count           = var.max_receive_count

  s3_source_bucket_arn = var.enable_s3_notifications ? module.image_bucket.arn : null
}

# S3 -> SQS, optional: the sender sends its own messages otherwise.
resource "aws_s3_bucket_notification" "this" {
  count = var.enable_s3_notifications ? 1 : 0

  bucket = module.image_bucket.name

  dynamic "queue" {
    for_each = var.s3_notification_suffixes

    content {
      id            = "png-to-queue${queue.value}"
      queue_arn     = module.queue.queue_arn
      events        = ["s3:ObjectCreated:*"]
      filter_prefix = var.input_prefix
      filter_suffix = queue.value
    }
  }

  # S3 checks that it may send to the queue when the notification is created.
  depends_on = [module.queue]
}

################################################################################
# Deployment package
################################################################################

module "artifacts" {
  source = "./modules/artifacts"

  bucket_name   = local.artifacts_bucket_name
  partition     = local.partition
  force_destroy = var.force_destroy
  source_path   = local.function_zip_path
  object_key    = "${var.name}/function.zip"
}

################################################################################
# Function, its role, log group and event source mapping
################################################################################

module "function" {
  source = "./modules/function"

  name       = var.name
  account_id = local.account_id
  region     = local.region
  partition  = local.partition
  dns_suffix = local.dns_suffix

  s3_bucket         = module.artifacts.bucket_name
  s3_key            = module.artifacts.object_key
  s3_object_version = module.artifacts.object_version
  source_code_hash  = filebase64sha256(local.function_zip_path)

  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  tracing_mode                   = var.tracing_mode
  environment_variables          = local.function_environment
  log_retention_days             = var.log_retention_days
  application_log_level          = var.log_level
  system_log_level               = var.system_log_level

  bucket_arn    = module.image_bucket.arn
  input_prefix  = var.input_prefix
  output_prefix = var.output_prefix
  kms_key_arn   = var.kms_key_arn

  queue_arn                          = module.queue.queue_arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.fifo_queue ? null : var.maximum_batching_window_in_seconds
  maximum_concurrency                = var.maximum_concurrency
}

################################################################################
# Alarms
################################################################################

module "alarms" {
  source = "./modules/alarms"

  name       = var.name
  account_id = local.account_id
  region     = local.region
  partition  = local.partition

  queue_name                  = module.queue.queue_name
  dlq_name                    = module.queue.dlq_name
  queue_age_threshold_seconds = var.queue_age_alarm_threshold_seconds
  alarm_email                 = var.alarm_email
  alarm_actions               = var.alarm_actions
  topic_kms_key_id            = var.alarm_topic_kms_key_id
}

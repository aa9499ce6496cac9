################################################################################
# Context: account, region and partition, read once
################################################################################

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # `id` is the region's name with provider 5.100 and 6.x alike: 6.0 deprecates `name`, and `region` does not
  # exist before 6.0 (docs/provider-6.md).
  region     = data.aws_region.current.id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # The bucket the kit creates, or with create_bucket = false the existing one it uses (bucket_name is then set).
  bucket_name = coalesce(var.bucket_name, "${var.name}-images-${local.account_id}-${local.region}")
  bucket_arn  = "arn:${local.partition}:s3:::${local.bucket_name}"
  # Built from the name so that the queue policy, which lets this rule only send, is known at plan time (the rule
  # itself needs the queue's ARN: passing the rule's own ARN back would be a cycle).
  eventbridge_rule_name = "${var.name}-object-created"
  eventbridge_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.eventbridge_rule_name}"

  artifacts_bucket_name = coalesce(var.artifacts_bucket_name, "${var.name}-artifacts-${local.account_id}-${local.region}")

  # AWS's recommendation for a Lambda consumer: at least six function timeouts plus the batching window,
  # so a message is not redelivered while a (retried) invocation is still working on it.
  minimum_visibility_timeout_seconds = 6 * var.timeout + var.maximum_batching_window_in_seconds
  visibility_timeout_seconds         = coalesce(var.visibility_timeout_seconds, local.minimum_visibility_timeout_seconds)

  # What the kit sets in the function's environment; environment_variables may add others, never these.
  # The log level is not among them: Lambda filters the function's JSON log lines by their "level" field
  # (logging_config.application_log_level = var.log_level).
  kit_environment = {
    INPUT_PREFIX      = var.input_prefix
    OUTPUT_PREFIX     = var.output_prefix
    JPEG_QUALITY      = tostring(var.jpeg_quality)
    MAX_PIXELS        = tostring(var.max_pixels)
    MAX_INPUT_BYTES   = tostring(var.max_input_bytes)
    MATTE_COLOR       = var.matte_color
    ALLOWED_BUCKETS   = local.bucket_name
    MAX_WORKERS       = tostring(var.max_workers)
    DLQ_URL           = module.queue.dlq_url
    MAX_RECEIVE_COUNT = tostring(var.max_receive_count) # the redrive policy's, from the same variable
    METRICS_NAMESPACE = var.metrics_namespace
    GLIBC_TUNABLES    = local.glibc_tunables
  }

  # glibc keeps memory freed by a thread in that thread's malloc arena, and raises its mmap threshold as large
  # blocks are freed: the image buffers of the batch's worker threads would stay resident per thread (a batch
  # of four 40 MP images peaked at +660 MiB instead of +367 MiB, bench row 4). A fixed threshold maps every
  # allocation of 128 KiB or more on its own and returns it at once. Read by glibc at process start only.
  glibc_tunables = "glibc.malloc.mmap_threshold=131072"
}

################################################################################
# Deployment package: the zip `make package` built and the manifest beside it
################################################################################

locals {
  package_path          = coalesce(var.function_zip_path, "${path.module}/../build/function.zip")
  package_manifest_path = "${trimsuffix(local.package_path, ".zip")}.manifest.json"

  # Read only what exists, so that a missing file is reported by the preconditions below rather than by a
  # function call error. The manifest holds {"architecture", "runtime", "sha256"}.
  package_exists   = fileexists(local.package_path)
  package_manifest = try(jsondecode(file(local.package_manifest_path)), null)
  package_built_for = {
    architecture = try(tostring(local.package_manifest.architecture), "unknown")
    runtime      = try(tostring(local.package_manifest.runtime), "unknown")
  }
  package_sha256  = local.package_exists ? filesha256(local.package_path) : null
  package_rebuild = "make package ARCH=${var.architecture} RUNTIME_PYTHON_VERSION=${trimprefix(var.runtime, "python")}"
}

# Refuses to plan a deployment whose package is missing or built for another machine (Lambda would fail to
# import Pillow at the first message). Everything that reads the zip waits for it.
resource "terraform_data" "package" {
  input = local.package_manifest

  lifecycle {
    precondition {
      condition     = local.package_exists
      error_message = "No deployment package at ${local.package_path}: run `make package` first (`${local.package_rebuild}` for this configuration), or set function_zip_path to a zip downloaded from a release, its manifest beside it."
    }

    precondition {
      condition     = !local.package_exists || local.package_manifest != null
      error_message = "No readable package manifest at ${local.package_manifest_path} (written by `make package` beside the zip): run `make package` first (`${local.package_rebuild}` for this configuration)."
    }

    precondition {
      condition     = local.package_manifest == null || local.package_built_for == { architecture = var.architecture, runtime = var.runtime }
      error_message = "The package ${local.package_path} is built for ${local.package_built_for.architecture} and ${local.package_built_for.runtime}, but this configuration sets architecture = \"${var.architecture}\" and runtime = \"${var.runtime}\": run `${local.package_rebuild}` (or change architecture/runtime to match the package)."
    }

    precondition {
      condition     = local.package_manifest == null || !local.package_exists || try(local.package_manifest.sha256, null) == local.package_sha256
      error_message = "The manifest ${local.package_manifest_path} describes another zip than ${local.package_path} (sha256 differs): run `${local.package_rebuild}` to rebuild both."
    }
  }
}

################################################################################
# Image bucket: created here, or an existing one left exactly as it is
################################################################################

module "image_bucket" {
  source = "./modules/image-bucket"
  count  = var.create_bucket ? 1 : 0

  bucket_name                            = local.bucket_name
  partition                              = local.partition
  force_destroy                          = var.force_destroy
  kms_key_arn                            = var.kms_key_arn
  versioning_enabled                     = var.versioning_enabled
  input_prefix                           = var.input_prefix
  input_expiration_days                  = var.input_expiration_days
  abort_incomplete_multipart_upload_days = var.abort_incomplete_multipart_upload_days
  sender_principals                      = var.sender_principals
  tags                                   = var.tags
}

# Before create_bucket, the bucket was always created: its objects keep their addresses as the first instance.
moved {
  from = module.image_bucket
  to   = module.image_bucket[0]
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
  kms_key_arn                 = var.kms_key_arn

  # Who may send: each route's own service, from this bucket, rule or topics only, and the named principals.
  s3_source_bucket_arn = var.s3_event_source == "s3" ? local.bucket_arn : null
  eventbridge_rule_arn = var.s3_event_source == "eventbridge" ? local.eventbridge_rule_arn : null
  sns_topic_arns       = var.sns_topic_arns
  sender_principals    = var.sender_principals
  tags                 = var.tags
}

################################################################################
# Event routing: S3 notifications, an EventBridge rule, SNS subscriptions
################################################################################

# The kit's own bucket only: a bucket has one notification configuration, which this resource owns whole. With
# "s3" it notifies the queue; with "eventbridge" it turns the bucket's EventBridge notifications on.
resource "aws_s3_bucket_notification" "this" {
  count = var.create_bucket && var.s3_event_source != "sender" ? 1 : 0

  bucket      = module.image_bucket[0].name
  eventbridge = var.s3_event_source == "eventbridge"

  dynamic "queue" {
    for_each = var.s3_event_source == "s3" ? var.s3_notification_suffixes : []

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

# Reads the bucket's Object Created events on the default event bus; on an existing bucket, its EventBridge
# notifications must be on (docs/integration.md), and nothing on the bucket changes.
module "object_created_rule" {
  source = "./modules/object-created-rule"
  count  = var.s3_event_source == "eventbridge" ? 1 : 0

  name             = local.eventbridge_rule_name
  bucket_name      = local.bucket_name
  input_prefix     = var.input_prefix
  suffixes         = var.s3_notification_suffixes
  queue_arn        = module.queue.queue_arn
  dead_letter_arn  = var.fifo_queue ? null : module.queue.dlq_arn
  message_group_id = var.fifo_queue ? "${var.name}-uploads" : null
  tags             = var.tags
}

# Raw message delivery off: the function reads the S3 event inside SNS's envelope. A message SNS cannot deliver
# (the queue's policy or key refuses it) goes to the pipeline's DLQ after SNS's retries rather than being dropped.
resource "aws_sns_topic_subscription" "this" {
  for_each = toset(var.sns_topic_arns)

  topic_arn            = each.value
  protocol             = "sqs"
  endpoint             = module.queue.queue_arn
  raw_message_delivery = false
  redrive_policy       = jsonencode({ deadLetterTargetArn = module.queue.dlq_arn })

  lifecycle {
    precondition {
      condition     = split(":", each.value)[3] == local.region
      error_message = "The SNS topic ${each.value} is not in ${local.region}, the region of the queue and of this configuration's provider: subscribe the queue with a provider for the topic's region, or use a topic there (S3 notifies topics in the bucket's own region)."
    }
  }
}

################################################################################
# Deployment package
################################################################################

module "artifacts" {
  source = "./modules/artifacts"

  bucket_name   = local.artifacts_bucket_name
  partition     = local.partition
  force_destroy = var.force_destroy
  package_path  = local.package_path
  package_key   = "${var.name}/function.zip"
  tags          = var.tags

  depends_on = [terraform_data.package]
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
  tags       = var.tags

  package_bucket   = module.artifacts.bucket_name
  package_key      = module.artifacts.package_key
  package_version  = module.artifacts.package_version
  source_code_hash = local.package_exists ? filebase64sha256(local.package_path) : null

  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  tracing_mode                   = var.tracing_mode
  environment_variables          = merge(var.environment_variables, local.kit_environment)
  log_retention_days             = var.log_retention_days
  log_level                      = var.log_level
  system_log_level               = var.system_log_level

  image_bucket_arn   = local.bucket_arn
  input_prefix       = var.input_prefix
  output_prefix      = var.output_prefix
  bucket_kms_key_arn = var.kms_key_arn
  queue_kms_key_arn  = var.kms_key_arn
  log_kms_key_arn    = var.kms_key_arn

  queue_arn                           = module.queue.queue_arn
  dlq_arn                             = module.queue.dlq_arn
  batch_size                          = var.batch_size
  maximum_batching_window_in_seconds  = var.fifo_queue ? null : var.maximum_batching_window_in_seconds
  maximum_concurrency                 = var.maximum_concurrency
  provisioned_poller_config           = var.provisioned_poller_config
  enable_event_source_mapping_metrics = var.enable_event_source_mapping_metrics
}

################################################################################
# Monitoring: alarms and dashboard
################################################################################

module "alarms" {
  source = "./modules/alarms"

  name       = var.name
  account_id = local.account_id
  region     = local.region
  partition  = local.partition

  queue_name                        = module.queue.queue_name
  dlq_name                          = module.queue.dlq_name
  function_name                     = module.function.function_name
  queue_age_alarm_threshold_seconds = var.queue_age_alarm_threshold_seconds
  alarm_email                       = var.alarm_email
  alarm_actions                     = var.alarm_actions
  kms_key_arn                       = var.kms_key_arn
  tags                              = var.tags
}

module "dashboard" {
  source = "./modules/dashboard"
  count  = var.enable_dashboard ? 1 : 0

  name              = var.name
  region            = local.region
  partition         = local.partition
  queue_name        = module.queue.queue_name
  dlq_name          = module.queue.dlq_name
  function_name     = module.function.function_name
  metrics_namespace = var.metrics_namespace
}

################################################################################
# Warnings
################################################################################

# The function's Embedded Metric Format lines are INFO lines to Lambda's log-level filter.
check "metrics_reach_cloudwatch" {
  assert {
    condition     = contains(["TRACE", "DEBUG", "INFO"], var.log_level)
    error_message = "log_level = \"${var.log_level}\" filters out the function's metric documents (Embedded Metric Format lines count as INFO): ImagesConverted, ImagesFailed and the dashboard's image widgets stay empty. Use INFO (or more verbose) to keep them."
  }
}

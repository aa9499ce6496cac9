################################################################################
# Naming and tagging
################################################################################

variable "name" {
  description = "Base name of every resource: the function, its role and log group, the queues (<name>, <name>-dlq), the alarms and the default bucket names. 2 to 24 lowercase letters, digits and hyphens, starting with a letter (the artifacts bucket name <name>-artifacts-<account>-<region> must fit in 63 characters)."
  type        = string
  default     = "png2jpg"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 24 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "tags" {
  description = "Tags set on every resource the module creates that takes tags, merged with the caller's provider default_tags (these win on a shared key)."
  type        = map(string)
  default = {
    Project   = "png2jpg"
    ManagedBy = "terraform"
  }
}

################################################################################
# Image bucket
################################################################################

variable "create_bucket" {
  description = "Whether the kit creates the image bucket. false = use an existing bucket named by bucket_name: Terraform creates nothing on it and changes none of its settings (policy, encryption, versioning, lifecycle, notifications, public access block), and destroy leaves it and its objects alone; the function's role stays scoped to the two prefixes (docs/integration.md says what to check on such a bucket)."
  type        = bool
  default     = true

  validation {
    condition     = var.create_bucket || var.bucket_name != null
    error_message = "create_bucket = false needs bucket_name: the name of the existing bucket to use."
  }
}

variable "bucket_name" {
  description = "Name of the image bucket: the one the kit creates, or with create_bucket = false the existing one it uses. Null (only when the kit creates it) = \"<name>-images-<account id>-<region>\" (globally unique)."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "input_prefix" {
  description = "Key prefix of the PNGs to convert, ending with a slash: letters, digits and / ! - _ . ' ( ) only (no IAM wildcard or policy-variable characters). The function may only read and list under it."
  type        = string
  default     = "pngfiles/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()/-]*$", var.input_prefix))
    error_message = "input_prefix may only hold letters, digits and / ! - _ . ' ( ): characters such as * ? $ { } would change what the function's IAM policy (its resource ARNs and s3:prefix condition) matches."
  }

  validation {
    condition     = can(regex("^[^/].*/$", var.input_prefix))
    error_message = "input_prefix must be non-empty, end with \"/\" and not start with \"/\"."
  }
}

variable "output_prefix" {
  description = "Key prefix the JPEGs are written under, ending with a slash: letters, digits and / ! - _ . ' ( ) only, like input_prefix. Must not overlap the input prefix (no recursive conversion)."
  type        = string
  default     = "jpgfiles/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()/-]*$", var.output_prefix))
    error_message = "output_prefix may only hold letters, digits and / ! - _ . ' ( ): characters such as * ? $ { } would change what the function's IAM policy (its resource ARNs) matches."
  }

  validation {
    condition     = can(regex("^[^/].*/$", var.output_prefix))
    error_message = "output_prefix must be non-empty, end with \"/\" and not start with \"/\"."
  }

  validation {
    condition     = !startswith(var.output_prefix, var.input_prefix) && !startswith(var.input_prefix, var.output_prefix)
    error_message = "output_prefix and input_prefix must not contain one another: outputs would land among the inputs."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` deletes the image bucket (when the kit created it) and the artifacts bucket even when they hold objects. Keep false for real data."
  type        = bool
  default     = false
}

variable "versioning_enabled" {
  description = "Whether the image bucket the kit creates is versioned. Off by default: inputs and outputs are transient, derived data, and versions would be paid for twice. When on, non-current versions expire after 30 days."
  type        = bool
  default     = false

  validation {
    condition     = var.create_bucket || !var.versioning_enabled
    error_message = "versioning_enabled applies to the bucket the kit creates: with create_bucket = false the kit changes none of the existing bucket's settings. Turn versioning on there yourself."
  }
}

variable "input_expiration_days" {
  description = "Days after which input PNGs in the bucket the kit creates expire (deleted by a lifecycle rule). Null = keep them forever."
  type        = number
  default     = null

  validation {
    condition     = var.input_expiration_days == null ? true : (var.input_expiration_days >= 1 && floor(var.input_expiration_days) == var.input_expiration_days)
    error_message = "input_expiration_days must be null or a whole number of days, at least 1."
  }

  validation {
    condition     = var.create_bucket || var.input_expiration_days == null
    error_message = "input_expiration_days applies to the bucket the kit creates: with create_bucket = false the kit changes none of the existing bucket's settings, its lifecycle rules included. Add an expiry rule for the input prefix there yourself."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads to the image bucket the kit creates are aborted (their parts are billed until then), an integer from 1; ignored with create_bucket = false. Null = no such rule; with input_expiration_days null and versioning off too, the bucket gets no lifecycle configuration at all (e.g. for short-lived test stacks)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days == null ? true : (var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days)
    error_message = "abort_incomplete_multipart_upload_days must be null or a whole number, at least 1."
  }
}

################################################################################
# Encryption and other accounts
################################################################################

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for everything the kit stores: SSE-KMS (with an S3 bucket key) on the image bucket it creates, the queue, the DLQ, the function's log group and the alarm topic. The function's role gets kms:Decrypt and kms:GenerateDataKey on it through S3 and SQS only (with create_bucket = false, it assumes the existing bucket's objects use this key). The key policy must allow the services and principals that use it: docs/integration.md lists the statements. Null = SSE-S3 on the bucket, SSE-SQS on the queues, CloudWatch Logs' own encryption, and no encryption of the alarm topic."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>): an alias or key ID cannot scope the role's permissions or be checked against the key policy."
  }
}

variable "sender_principals" {
  description = "ARNs of IAM roles or accounts (arn:<partition>:iam::<account>:role/<name> or :root), typically in other accounts, allowed to send images: they get exactly s3:PutObject under the input prefix of the bucket the kit creates (with create_bucket = false, add that statement to the bucket's policy yourself: docs/integration.md) and sqs:SendMessage on the queue. With kms_key_arn they also need kms:GenerateDataKey and kms:Decrypt in the key policy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sender_principals : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]+)$", arn))]) && length(distinct(var.sender_principals)) == length(var.sender_principals)
    error_message = "sender_principals must be distinct IAM role ARNs (arn:<partition>:iam::<account>:role/<name>) or account ARNs (arn:<partition>:iam::<account>:root); wildcards are not allowed."
  }
}

################################################################################
# Event routing: who puts a message on the queue for each upload
################################################################################

variable "s3_event_source" {
  description = "What enqueues each upload: \"sender\" (python -m sender sends {\"bucket\", \"key\"} itself), \"s3\" (the bucket the kit creates notifies the queue directly; standard queues only) or \"eventbridge\" (an EventBridge rule on the bucket's Object Created events, filtered by input prefix and s3_notification_suffixes, targets the queue; works on an existing bucket whose EventBridge notifications are on, without touching its notification configuration). With s3 or eventbridge the sender only uploads."
  type        = string
  default     = "sender"

  validation {
    condition     = contains(["sender", "s3", "eventbridge"], var.s3_event_source)
    error_message = "s3_event_source must be \"sender\", \"s3\" or \"eventbridge\"."
  }

  validation {
    condition     = var.create_bucket || var.s3_event_source != "s3"
    error_message = "s3_event_source = \"s3\" needs the bucket the kit creates: a bucket has one notification configuration, which Terraform would take over whole, wiping the existing bucket's other notifications. Use s3_event_source = \"eventbridge\" with an existing bucket (turn its EventBridge notifications on: docs/integration.md)."
  }

  validation {
    condition     = !(var.s3_event_source == "s3" && var.fifo_queue)
    error_message = "s3_event_source = \"s3\" cannot be used with fifo_queue = true: S3 event notifications cannot target a FIFO queue. Use \"eventbridge\", which can."
  }

  validation {
    condition     = !(var.s3_event_source == "eventbridge" && var.fifo_queue && !var.content_based_deduplication)
    error_message = "s3_event_source = \"eventbridge\" with fifo_queue = true needs content_based_deduplication = true: EventBridge sets no deduplication id on the messages it sends to a FIFO queue."
  }
}

variable "s3_notification_suffixes" {
  description = "Key suffixes (case-sensitive) under the input prefix whose uploads S3 or EventBridge routes to the queue, when s3_event_source is s3 or eventbridge; the sender skips files that none matches."
  type        = list(string)
  default     = [".png", ".PNG"]

  validation {
    condition     = length(var.s3_notification_suffixes) >= 1 && length(distinct(var.s3_notification_suffixes)) == length(var.s3_notification_suffixes)
    error_message = "s3_notification_suffixes must hold at least one suffix, without duplicates."
  }

  validation {
    condition     = alltrue([for suffix in var.s3_notification_suffixes : endswith(lower(suffix), ".png")])
    error_message = "Each of s3_notification_suffixes must end in .png (any case): the function converts only keys that do, and would send every other routed upload to the DLQ."
  }
}

variable "sns_topic_arns" {
  description = "ARNs of SNS topics the queue subscribes to (raw message delivery off), for a team that already fans its bucket's S3 event notifications out through SNS; the queue policy lets exactly these topics send. The topics should carry only uploads under the input prefix whose keys end in .png: the function refuses other keys, and their messages go to the DLQ with the reason."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.sns_topic_arns : can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))]) && length(distinct(var.sns_topic_arns)) == length(var.sns_topic_arns)
    error_message = "sns_topic_arns must be distinct SNS topic ARNs (arn:<partition>:sns:<region>:<account>:<name>) of standard topics: S3 cannot publish to FIFO topics."
  }

  validation {
    condition     = length(var.sns_topic_arns) == 0 || !var.fifo_queue
    error_message = "sns_topic_arns cannot be used with fifo_queue = true: a standard SNS topic (the only kind S3 publishes to) delivers to standard queues only."
  }
}

################################################################################
# Artifacts bucket (deployment package)
################################################################################

variable "artifacts_bucket_name" {
  description = "Name of the bucket holding the deployment package. Null = \"<name>-artifacts-<account id>-<region>\"."
  type        = string
  default     = null

  validation {
    condition     = var.artifacts_bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "function_zip_path" {
  description = "Path of the deployment package: a zip `make package` built or one downloaded from a release, absolute or relative to the directory Terraform runs in (the root module). Its manifest must sit beside it (function.zip: function.manifest.json; png2jpg-1.0.0-python3.13-x86_64.zip: png2jpg-1.0.0-python3.13-x86_64.manifest.json), exist at plan time and name this architecture and runtime. Null = build/function.zip of the repository this module is in, which exists only in a clone where `make package` ran: a caller using a `source` address must set it."
  type        = string
  default     = null
}

################################################################################
# Function
################################################################################

variable "runtime" {
  description = "Lambda Python runtime: python3.12 or python3.13 (the zip's wheels must be built for it: make package RUNTIME_PYTHON_VERSION=3.12)."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.12 or python3.13, the Lambda runtimes the kit is built and tested for."
  }
}

variable "architecture" {
  description = "Instruction set of the function: x86_64 or arm64 (Graviton; build the zip with make package ARCH=arm64)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB, an integer from 128 to 10240. The threads of a batch share a memory budget of one worst-case image (max_input_bytes + 8 bytes x max_pixels), so an invocation needs one such image plus the inputs waiting for their turn, whatever max_workers is: with the defaults the worst-case batch measured 504 MiB (bench row 4; bound: 605 MiB), and 1024 MB keeps over 25 % headroom. Scale it with max_pixels. CPU is allotted in proportion to memory."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Function timeout in seconds, an integer from 1 to 900 (15 minutes). The queue's visibility timeout is derived from it."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function, an integer from 1. Null = unreserved (uses the account's unreserved pool)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null ? true : (var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions)
    error_message = "reserved_concurrent_executions must be null or a whole number, at least 1 (0 would throttle every invocation)."
  }
}

variable "tracing_mode" {
  description = "AWS X-Ray tracing: PassThrough (off unless the caller traces) or Active (adds the X-Ray write permissions)."
  type        = string
  default     = "PassThrough"

  validation {
    condition     = contains(["PassThrough", "Active"], var.tracing_mode)
    error_message = "tracing_mode must be PassThrough or Active."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, or 0 to never expire."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' values: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_level" {
  description = "Lowest level of the function's log lines that reach CloudWatch: TRACE, DEBUG, INFO, WARN, ERROR or FATAL. Applied by Lambda's JSON logging controls (logging_config.application_log_level) to the records the runtime's JSON formatter writes; the function itself is not told (no LOG_LEVEL variable). The function's metric (EMF) lines are INFO: WARN and above drop them, and the dashboard's image metrics with them (plan warns)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL (Lambda's application log levels)."
  }
}

variable "system_log_level" {
  description = "Lowest level of the Lambda platform's own log lines (START, END, REPORT, platform errors) that reach CloudWatch: DEBUG, INFO or WARN. Default WARN keeps the per-invocation START/END/REPORT lines out."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN (Lambda's system log levels)."
  }
}

variable "jpeg_quality" {
  description = "JPEG quality of the outputs (JPEG_QUALITY), an integer from 1 to 95 (Pillow advises against values above 95)."
  type        = number
  default     = 85

  validation {
    condition     = var.jpeg_quality >= 1 && var.jpeg_quality <= 95 && floor(var.jpeg_quality) == var.jpeg_quality
    error_message = "jpeg_quality must be a whole number from 1 to 95."
  }
}

variable "max_pixels" {
  description = "Largest image the function decodes, in pixels (width x height; MAX_PIXELS), an integer from 1: the decompression-bomb limit. Larger images fail and go to the DLQ."
  type        = number
  default     = 40000000

  validation {
    condition     = var.max_pixels >= 1 && floor(var.max_pixels) == var.max_pixels
    error_message = "max_pixels must be a whole number, at least 1."
  }
}

variable "max_input_bytes" {
  description = "Largest PNG the function downloads, in bytes (MAX_INPUT_BYTES), an integer from 1. Default 50 MiB."
  type        = number
  default     = 52428800

  validation {
    condition     = var.max_input_bytes >= 1 && floor(var.max_input_bytes) == var.max_input_bytes
    error_message = "max_input_bytes must be a whole number of bytes, at least 1."
  }
}

variable "matte_color" {
  description = "Background that transparent pixels are flattened onto (MATTE_COLOR), as #rrggbb."
  type        = string
  default     = "#ffffff"

  validation {
    condition     = can(regex("^#[0-9A-Fa-f]{6}$", var.matte_color))
    error_message = "matte_color must be a hex colour like #ffffff."
  }
}

variable "max_workers" {
  description = "Records of a batch converted in parallel inside one invocation (MAX_WORKERS), an integer from 1 to 64. The threads share one memory budget of a worst-case image, so more workers add only the downloaded inputs waiting for their turn (up to max_input_bytes each); they help when a batch holds many small images."
  type        = number
  default     = 4

  validation {
    condition     = var.max_workers >= 1 && var.max_workers <= 64 && floor(var.max_workers) == var.max_workers
    error_message = "max_workers must be a whole number from 1 to 64."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's Embedded Metric Format metrics (METRICS_NAMESPACE; dimension FunctionName), shown on the dashboard: 1 to 255 letters, digits, spaces and . - _ / # :, not starting with \"AWS/\"."
  type        = string
  default     = "png2jpg"

  validation {
    condition     = can(regex("^[A-Za-z0-9 ._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1 to 255 letters, digits, spaces and . - _ / # : (CloudWatch's rule), and must not start with \"AWS/\" (reserved for AWS services)."
  }
}

variable "environment_variables" {
  description = "Extra environment variables for the function. Names the kit sets itself are refused: INPUT_PREFIX, OUTPUT_PREFIX, JPEG_QUALITY, MAX_PIXELS, MAX_INPUT_BYTES, MATTE_COLOR, ALLOWED_BUCKETS, MAX_WORKERS, DLQ_URL, MAX_RECEIVE_COUNT, METRICS_NAMESPACE, GLIBC_TUNABLES (set them through their variables)."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.environment_variables), keys(local.kit_environment))) == 0
    error_message = "environment_variables must not set ${join(", ", sort(setintersection(keys(var.environment_variables), keys(local.kit_environment))))}: the kit sets these itself from its own variables (jpeg_quality, max_pixels, ...)."
  }
}

################################################################################
# Queue
################################################################################

variable "fifo_queue" {
  description = "Whether the queue and its DLQ are FIFO queues (names end in .fifo). FIFO limits the mapping to batches of at most 10 with no batching window, and rules out s3_event_source = \"s3\" (with \"eventbridge\", every upload joins one message group)."
  type        = bool
  default     = false
}

variable "content_based_deduplication" {
  description = "FIFO only: deduplicate messages by a SHA-256 of their body when the sender gives no MessageDeduplicationId (a re-sent identical message within 5 minutes is dropped)."
  type        = bool
  default     = true
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message, in seconds: from 60 to 1209599 (the DLQ keeps messages for 14 days = 1209600 s, which must be longer). Default 4 days."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds < 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209599: less than the DLQ's 14 days (1209600 s), or messages would expire in the DLQ before they could be inspected."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue in seconds, an integer up to 43200 (12 hours). Null = 6 x timeout + maximum_batching_window_in_seconds, AWS's recommendation for Lambda; an explicit value must be at least that."
  type        = number
  default     = null

  validation {
    condition = var.visibility_timeout_seconds == null ? true : (
      var.visibility_timeout_seconds >= 6 * var.timeout + var.maximum_batching_window_in_seconds &&
      var.visibility_timeout_seconds <= 43200
    )
    error_message = "visibility_timeout_seconds must be at least 6 x timeout + maximum_batching_window_in_seconds (${6 * var.timeout + var.maximum_batching_window_in_seconds} s here) and at most 43200; a shorter one makes SQS redeliver messages the function is still processing. Leave it null to compute it."
  }
}

variable "max_receive_count" {
  description = "Receives of a message before SQS moves it to the DLQ (the redrive policy's maxReceiveCount), an integer from 1 to 1000. Only failures that a retry may fix (transient ones) and deferred records come back; permanent failures are sent to the DLQ by the function at once. The function knows it too (MAX_RECEIVE_COUNT): on a FIFO queue, and for a message a redrive brought back, a record that would come back on its last receive is sent to the DLQ by the function instead, with ErrorClass = transient and why (so a FIFO group goes on behind it, and no earlier reason stays on it)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

################################################################################
# Event source mapping
################################################################################

variable "batch_size" {
  description = "Largest number of messages per invocation: 1 to 10000 for a standard queue (above 10 needs maximum_batching_window_in_seconds >= 1), 1 to 10 for a FIFO queue."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10000."
  }

  validation {
    condition     = !var.fifo_queue || var.batch_size <= 10
    error_message = "batch_size must be at most 10 with a FIFO queue."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "Seconds the mapping gathers messages before invoking, an integer from 0 to 300. At least 1 when batch_size is above 10; must be 0 with a FIFO queue."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300 && floor(var.maximum_batching_window_in_seconds) == var.maximum_batching_window_in_seconds
    error_message = "maximum_batching_window_in_seconds must be a whole number from 0 to 300."
  }

  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
    error_message = "maximum_batching_window_in_seconds must be at least 1 when batch_size is above 10 (an AWS requirement)."
  }

  validation {
    condition     = !var.fifo_queue || var.maximum_batching_window_in_seconds == 0
    error_message = "maximum_batching_window_in_seconds must be 0 with a FIFO queue (FIFO event source mappings have no batching window)."
  }
}

variable "maximum_concurrency" {
  description = "Most concurrent invocations the queue's mapping starts, an integer from 2 to 1000. Null = no limit besides the account's. Must not exceed reserved_concurrent_executions when both are set; cannot be combined with provisioned_poller_config."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_concurrency == null ? true : (var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000 && floor(var.maximum_concurrency) == var.maximum_concurrency)
    error_message = "maximum_concurrency must be null or a whole number from 2 to 1000."
  }

  validation {
    condition     = var.maximum_concurrency == null || var.reserved_concurrent_executions == null ? true : var.maximum_concurrency <= var.reserved_concurrent_executions
    error_message = "maximum_concurrency must not exceed reserved_concurrent_executions: the extra invocations would be throttled and messages bounced back to the queue."
  }
}

variable "provisioned_poller_config" {
  description = "Provisioned mode of the mapping: event pollers kept ready, minimum_pollers (2 to 200) to maximum_pollers (2 to 2000), for faster scaling under bursts, billed per event poller unit even when idle. Null = standard mode (Lambda scales its pollers itself, at no charge). AWS allows it or maximum_concurrency, not both."
  type = object({
    minimum_pollers = number
    maximum_pollers = number
  })
  default = null

  validation {
    condition = var.provisioned_poller_config == null ? true : (
      var.provisioned_poller_config.minimum_pollers >= 2 && var.provisioned_poller_config.minimum_pollers <= 200 &&
      var.provisioned_poller_config.maximum_pollers >= 2 && var.provisioned_poller_config.maximum_pollers <= 2000 &&
      var.provisioned_poller_config.minimum_pollers <= var.provisioned_poller_config.maximum_pollers &&
      floor(var.provisioned_poller_config.minimum_pollers) == var.provisioned_poller_config.minimum_pollers &&
      floor(var.provisioned_poller_config.maximum_pollers) == var.provisioned_poller_config.maximum_pollers
    )
    error_message = "provisioned_poller_config needs whole numbers with 2 <= minimum_pollers <= 200, 2 <= maximum_pollers <= 2000 and minimum_pollers <= maximum_pollers."
  }

  validation {
    condition     = var.provisioned_poller_config == null || var.maximum_concurrency == null
    error_message = "provisioned_poller_config and maximum_concurrency cannot be set together: AWS scales an SQS event source mapping either by maximum concurrency or in provisioned mode. Cap provisioned mode with maximum_pollers instead."
  }
}

variable "enable_event_source_mapping_metrics" {
  description = "Whether the mapping publishes its event counts (metrics_config EventCount: polled, filtered, invoked, failed and deleted events, in AWS/Lambda by EventSourceMappingUUID). Standard CloudWatch metric charges apply."
  type        = bool
  default     = true
}

################################################################################
# Monitoring: alarms and dashboard
################################################################################

variable "enable_dashboard" {
  description = "Whether to create a CloudWatch dashboard (named after name) with the queue, DLQ, function and conversion metrics. About $3 per month beyond CloudWatch's free dashboards."
  type        = bool
  default     = true
}

variable "queue_age_alarm_threshold_seconds" {
  description = "The queue-age alarm fires when the oldest message in the queue is older than this, in seconds (60 to 1209600). Default 15 minutes."
  type        = number
  default     = 900

  validation {
    condition     = var.queue_age_alarm_threshold_seconds >= 60 && var.queue_age_alarm_threshold_seconds <= 1209600
    error_message = "queue_age_alarm_threshold_seconds must be from 60 to 1209600."
  }
}

variable "alarm_email" {
  description = "Email address notified of alarms through a new SNS topic (the address must confirm the subscription). Null = no topic."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null ? true : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address."
  }
}

variable "alarm_actions" {
  description = "ARNs of existing SNS topics (or other alarm actions) notified when an alarm changes to ALARM or OK."
  type        = list(string)
  default     = []
}

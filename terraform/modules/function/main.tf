locals {
  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:${aws_cloudwatch_log_group.this.name}"
}

################################################################################
# Log group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:A customer-managed key when the caller gives one (kms_key_arn, whose policy must allow logs.<region>.amazonaws.com); otherwise CloudWatch Logs' own encryption: the logs hold object keys and outcomes, no image data.
  #checkov:skip=CKV_AWS_338:Retention is a user choice (log_retention_days, default 30 days) to keep costs down.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

################################################################################
# IAM role
################################################################################

# Policies are built with jsonencode() rather than aws_iam_policy_document: the JSON is then known at plan
# time (it shows in full in the plan) and `terraform test` can check it under a mock provider.
locals {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "LambdaAssumeRole"
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = ["sts:AssumeRole"]
      },
    ]
  })

  policy_statements = concat(
    [
      {
        Sid      = "ReadInputs"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${var.image_bucket_arn}/${var.input_prefix}*"]
      },
      # Without s3:ListBucket, S3 answers a GetObject of a missing key with 403 AccessDenied instead of 404:
      # a deleted input would read as a permission problem. Limited to listing under the input prefix.
      {
        Sid       = "ListInputs"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [var.image_bucket_arn]
        Condition = { StringLike = { "s3:prefix" = ["${var.input_prefix}*"] } }
      },
      # A delivery whose PNG is unchanged since its JPEG was made is skipped: the function reads the JPEG's
      # metadata (HeadObject needs s3:GetObject) before it downloads the PNG.
      {
        Sid      = "ReadOutputs"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${var.image_bucket_arn}/${var.output_prefix}*"]
      },
      # As for the inputs: without it, the metadata read of a JPEG not yet written answers 403, not 404.
      {
        Sid       = "ListOutputs"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [var.image_bucket_arn]
        Condition = { StringLike = { "s3:prefix" = ["${var.output_prefix}*"] } }
      },
      {
        Sid      = "WriteOutputs"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${var.image_bucket_arn}/${var.output_prefix}*"]
      },
      {
        Sid    = "ConsumeQueue"
        Effect = "Allow"
        Action = [
          "sqs:ChangeMessageVisibility",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:ReceiveMessage",
        ]
        Resource = [var.queue_arn]
      },
      # Permanent failures are quarantined by the function itself (retrying cannot help them).
      {
        Sid      = "QuarantineFailures"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [var.dlq_arn]
      },
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${local.log_group_arn}:*"]
      },
    ],
    # Reading a PNG decrypts it; writing a JPEG generates its data key. Through S3 only.
    var.bucket_kms_key_arn == null ? [] : [
      {
        Sid       = "UseBucketKey"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [var.bucket_kms_key_arn]
        Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.${var.dns_suffix}" } }
      },
    ],
    # Receiving from the queue (the event source mapping polls with this role) decrypts; quarantining in the
    # DLQ generates a data key and decrypts it. Through SQS only.
    var.queue_kms_key_arn == null ? [] : [
      {
        Sid       = "UseQueueKey"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [var.queue_kms_key_arn]
        Condition = { StringEquals = { "kms:ViaService" = "sqs.${var.region}.${var.dns_suffix}" } }
      },
    ],
    # X-Ray has no resource-level permissions: "*" is the only possible resource here.
    var.tracing_mode != "Active" ? [] : [
      {
        Sid      = "WriteTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
        Resource = ["*"]
      },
    ],
  )

  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.policy_statements
  })
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-function"
  description        = "Execution role of the ${var.name} function"
  assume_role_policy = local.assume_role_policy
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-function"
  role   = aws_iam_role.this.id
  policy = local.policy
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the SQS event source mapping; failed messages go to the queue's DLQ, a function DLQ only applies to asynchronous invocations.
  #checkov:skip=CKV_AWS_117:Talks only to S3, SQS and CloudWatch public endpoints; a VPC would need NAT or endpoints for no benefit.
  #checkov:skip=CKV_AWS_173:The environment holds configuration only (prefixes, limits), no secrets; encrypted with the Lambda service key.
  #checkov:skip=CKV_AWS_272:Code signing is not supported by LocalStack community, which the e2e tests run against.
  function_name = var.name
  description   = "Converts PNG images under the input prefix to JPEG under the output prefix"
  role          = aws_iam_role.this.arn
  handler       = var.handler
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  reserved_concurrent_executions = coalesce(var.reserved_concurrent_executions, -1)

  s3_bucket         = var.package_bucket
  s3_key            = var.package_key
  s3_object_version = var.package_version
  source_code_hash  = var.source_code_hash

  environment {
    variables = var.environment_variables
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = var.system_log_level
  }

  tracing_config {
    mode = var.tracing_mode
  }

  tags = var.tags

  # The role must be able to read the queue before the mapping is created and write logs from the first run.
  depends_on = [aws_iam_role_policy.this]
}

################################################################################
# Event source mapping
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.queue_arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds

  # Without it a single failed record makes SQS redeliver the whole batch, and with it the handler's
  # {"batchItemFailures": [...]} result is honoured: only the failed records come back.
  function_response_types = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.maximum_concurrency == null ? [] : [var.maximum_concurrency]

    content {
      maximum_concurrency = scaling_config.value
    }
  }

  dynamic "provisioned_poller_config" {
    for_each = var.provisioned_poller_config == null ? [] : [var.provisioned_poller_config]

    content {
      minimum_pollers = provisioned_poller_config.value.minimum_pollers
      maximum_pollers = provisioned_poller_config.value.maximum_pollers
    }
  }

  dynamic "metrics_config" {
    for_each = var.enable_event_source_mapping_metrics ? [["EventCount"]] : []

    content {
      metrics = metrics_config.value
    }
  }

  tags = var.tags
}

locals {
  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:${aws_cloudwatch_log_group.this.name}"
}

################################################################################
# Log group
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Logs hold object keys and outcomes, no image data; encrypted at rest by CloudWatch Logs' own key. KMS would need a key policy for logs.<region>.amazonaws.com.
  #checkov:skip=CKV_AWS_338:Retention is a user choice (log_retention_days, default 30 days) to keep costs down.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

################################################################################
# IAM role
################################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-function"
  description        = "Execution role of the ${var.name} function"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ReadInputs"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/${var.input_prefix}*"]
  }

  statement {
    sid       = "WriteOutputs"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${var.bucket_arn}/${var.output_prefix}*"]
  }

  statement {
    sid    = "ConsumeQueue"
    effect = "Allow"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]
    resources = [var.queue_arn]
  }

  statement {
    sid    = "WriteLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${local.log_group_arn}:*"]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]

    content {
      sid    = "UseBucketKey"
      effect = "Allow"
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.region}.amazonaws.com"]
      }
    }
  }

  # X-Ray has no resource-level permissions: "*" is the only possible resource here.
  dynamic "statement" {
    for_each = var.tracing_mode == "Active" ? [1] : []

    content {
      sid    = "WriteTraces"
      effect = "Allow"
      actions = [
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-function"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
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

  s3_bucket         = var.s3_bucket
  s3_key            = var.s3_key
  s3_object_version = var.s3_object_version
  source_code_hash  = var.source_code_hash

  environment {
    variables = var.environment_variables
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = "WARN"
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

  tags = var.tags
}

locals {
  console_hosts = {
    aws        = "console.aws.amazon.com"
    aws-cn     = "console.amazonaws.cn"
    aws-us-gov = "console.amazonaws-us-gov.com"
  }
  console_host = lookup(local.console_hosts, var.partition, local.console_hosts.aws)

  # ImagesFailed is emitted per ErrorClass (dimension set FunctionName + ErrorClass): a search expression draws
  # one line for each class that occurred, whatever the classes are.
  failed_by_class = "SEARCH('{\"${var.metrics_namespace}\",ErrorClass,FunctionName} MetricName=\"ImagesFailed\" FunctionName=\"${var.function_name}\"', 'Sum', 60)"

  # [title, metrics, default statistic], laid out three per row, 8 x 6 grid units each.
  widgets = [
    ["Images per minute", [
      [var.metrics_namespace, "ImagesConverted", "FunctionName", var.function_name, { label = "Converted" }],
      # Deliveries that cost no conversion (the JPEG already held the PNG's version) and conversions dropped
      # because a newer version's JPEG was written first.
      [var.metrics_namespace, "ImagesUnchanged", "FunctionName", var.function_name, { label = "Unchanged" }],
      [var.metrics_namespace, "ImagesSuperseded", "FunctionName", var.function_name, { label = "Superseded" }],
      [{ id = "failed", expression = local.failed_by_class, label = "Failed ($${PROP('Dim.ErrorClass')})" }],
      [var.metrics_namespace, "ImagesDeferred", "FunctionName", var.function_name, { label = "Deferred" }],
    ], "Sum"],
    ["Megapixels per second", [
      [var.metrics_namespace, "Megapixels", "FunctionName", var.function_name, { id = "megapixels", visible = false }],
      [{ id = "rate", expression = "megapixels / PERIOD(megapixels)", label = "Megapixels per second" }],
    ], "Sum"],
    ["Queue: messages", [
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name, { label = "Visible" }],
      ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", var.queue_name, { label = "In flight" }],
    ], "Maximum"],
    ["Queue: age of the oldest message (s)", [
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { label = "Oldest message" }],
    ], "Maximum"],
    ["Dead-letter queue: messages", [
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name, { label = "In the DLQ" }],
    ], "Maximum"],
    ["Function: invocations, errors, throttles", [
      ["AWS/Lambda", "Invocations", "FunctionName", var.function_name, { label = "Invocations" }],
      ["AWS/Lambda", "Errors", "FunctionName", var.function_name, { label = "Errors" }],
      ["AWS/Lambda", "Throttles", "FunctionName", var.function_name, { label = "Throttles" }],
    ], "Sum"],
    ["Function: concurrent executions", [
      ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.function_name, { label = "Concurrent executions" }],
    ], "Maximum"],
    ["Function: duration (ms)", [
      ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "p50", label = "p50" }],
      ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "p95", label = "p95" }],
    ], "Average"],
  ]

  body = jsonencode({
    widgets = [for index, widget in local.widgets : {
      type   = "metric"
      x      = (index % 3) * 8
      y      = floor(index / 3) * 6
      width  = 8
      height = 6
      properties = {
        title   = widget[0]
        metrics = widget[1]
        stat    = widget[2]
        period  = 60
        region  = var.region
        view    = "timeSeries"
        stacked = false
      }
    }]
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = local.body
}

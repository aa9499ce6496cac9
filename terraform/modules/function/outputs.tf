output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "policy_json" {
  description = "The execution role's inline policy (JSON)."
  value       = local.policy
}

output "assume_role_policy_json" {
  description = "The execution role's trust policy (JSON)."
  value       = local.assume_role_policy
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "environment_variables" {
  description = "Environment variables of the function."
  value       = try(one(aws_lambda_function.this.environment).variables, {})
}

output "configuration" {
  description = "Runtime settings of the function."
  value = {
    handler               = aws_lambda_function.this.handler
    runtime               = aws_lambda_function.this.runtime
    architectures         = aws_lambda_function.this.architectures
    memory_size           = aws_lambda_function.this.memory_size
    timeout               = aws_lambda_function.this.timeout
    log_format            = one(aws_lambda_function.this.logging_config).log_format
    log_group             = one(aws_lambda_function.this.logging_config).log_group
    application_log_level = one(aws_lambda_function.this.logging_config).application_log_level
    system_log_level      = one(aws_lambda_function.this.logging_config).system_log_level
  }
}

output "event_source_mapping" {
  description = "Settings of the SQS event source mapping."
  value = {
    event_source_arn                   = aws_lambda_event_source_mapping.this.event_source_arn
    batch_size                         = aws_lambda_event_source_mapping.this.batch_size
    maximum_batching_window_in_seconds = aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds
    function_response_types            = aws_lambda_event_source_mapping.this.function_response_types
    maximum_concurrency                = try(one(aws_lambda_event_source_mapping.this.scaling_config).maximum_concurrency, null)
    metrics                            = try(one(aws_lambda_event_source_mapping.this.metrics_config).metrics, null)
    provisioned_poller_config          = one(aws_lambda_event_source_mapping.this.provisioned_poller_config)
  }
}

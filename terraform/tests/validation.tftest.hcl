# Wrong values are refused at plan time with the variable's own error message.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "defaults_are_valid" {
  command = plan
}

################################################################################
# Naming
################################################################################

run "name_uppercase_refused" {
  command = plan
  variables { name = "Png2Jpg" }
  expect_failures = [var.name]
}

run "name_underscore_refused" {
  command = plan
  variables { name = "png_2_jpg" }
  expect_failures = [var.name]
}

run "name_too_long_refused" {
  command = plan
  variables { name = "a-name-that-is-far-too-long" }
  expect_failures = [var.name]
}

run "name_trailing_hyphen_refused" {
  command = plan
  variables { name = "png2jpg-" }
  expect_failures = [var.name]
}

run "bucket_name_invalid_refused" {
  command = plan
  variables { bucket_name = "My_Bucket" }
  expect_failures = [var.bucket_name]
}

################################################################################
# Prefixes
################################################################################

run "input_prefix_without_slash_refused" {
  command = plan
  variables { input_prefix = "pngfiles" }
  expect_failures = [var.input_prefix]
}

run "output_prefix_inside_input_refused" {
  command = plan
  variables { output_prefix = "pngfiles/jpg/" }
  expect_failures = [var.output_prefix]
}

run "same_prefixes_refused" {
  command = plan
  variables { output_prefix = "pngfiles/" }
  expect_failures = [var.output_prefix]
}

# Characters that IAM reads as wildcards (* ?) or policy variables (${...}) would widen or break the role's
# resource ARNs and s3:prefix condition.
run "input_prefix_wildcard_refused" {
  command = plan
  variables { input_prefix = "png*/" }
  expect_failures = [var.input_prefix]
}

run "input_prefix_question_mark_refused" {
  command = plan
  variables { input_prefix = "png?/" }
  expect_failures = [var.input_prefix]
}

run "input_prefix_policy_variable_refused" {
  command = plan
  variables { input_prefix = "$${aws:username}/" }
  expect_failures = [var.input_prefix]
}

run "output_prefix_wildcard_refused" {
  command = plan
  variables { output_prefix = "jpg*/" }
  expect_failures = [var.output_prefix]
}

run "output_prefix_brace_refused" {
  command = plan
  variables { output_prefix = "jpg{1}/" }
  expect_failures = [var.output_prefix]
}

################################################################################
# Function
################################################################################

run "memory_too_small_refused" {
  command = plan
  variables { memory_size = 64 }
  expect_failures = [var.memory_size]
}

run "memory_too_large_refused" {
  command = plan
  variables { memory_size = 10241 }
  expect_failures = [var.memory_size]
}

run "timeout_zero_refused" {
  command = plan
  variables { timeout = 0 }
  expect_failures = [var.timeout]
}

run "timeout_above_15_minutes_refused" {
  command = plan
  variables { timeout = 901 }
  expect_failures = [var.timeout]
}

run "runtime_not_python_refused" {
  command = plan
  variables { runtime = "nodejs20.x" }
  expect_failures = [var.runtime]
}

run "runtime_unsupported_python_refused" {
  command = plan
  variables { runtime = "python3.99" }
  expect_failures = [var.runtime]
}

run "python3_12_accepted" {
  command = plan
  variables {
    runtime           = "python3.12"
    function_zip_path = "tests/fixtures/python3.12/function.zip"
  }
}

run "environment_variables_kit_names_refused" {
  command = plan
  variables {
    environment_variables = { JPEG_QUALITY = "50", DLQ_URL = "https://example.com", FEATURE = "on" }
  }
  expect_failures = [var.environment_variables]
}

run "metrics_namespace_aws_refused" {
  command = plan
  variables { metrics_namespace = "AWS/Lambda" }
  expect_failures = [var.metrics_namespace]
}

run "metrics_namespace_empty_refused" {
  command = plan
  variables { metrics_namespace = "" }
  expect_failures = [var.metrics_namespace]
}

run "architecture_unknown_refused" {
  command = plan
  variables { architecture = "arm32" }
  expect_failures = [var.architecture]
}

run "jpeg_quality_zero_refused" {
  command = plan
  variables { jpeg_quality = 0 }
  expect_failures = [var.jpeg_quality]
}

run "jpeg_quality_above_95_refused" {
  command = plan
  variables { jpeg_quality = 96 }
  expect_failures = [var.jpeg_quality]
}

run "matte_color_not_hex_refused" {
  command = plan
  variables { matte_color = "white" }
  expect_failures = [var.matte_color]
}

run "max_workers_zero_refused" {
  command = plan
  variables { max_workers = 0 }
  expect_failures = [var.max_workers]
}

run "reserved_concurrency_zero_refused" {
  command = plan
  variables { reserved_concurrent_executions = 0 }
  expect_failures = [var.reserved_concurrent_executions]
}

run "log_retention_not_allowed_value_refused" {
  command = plan
  variables { log_retention_days = 42 }
  expect_failures = [var.log_retention_days]
}

run "log_level_unknown_refused" {
  command = plan
  variables { log_level = "VERBOSE" }
  expect_failures = [var.log_level]
}

run "log_level_lowercase_refused" {
  command = plan
  variables { log_level = "info" }
  expect_failures = [var.log_level]
}

run "log_level_above_info_warns_that_metrics_are_dropped" {
  command = plan
  variables { log_level = "ERROR" }
  expect_failures = [check.metrics_reach_cloudwatch]
}

run "system_log_level_error_refused" {
  command = plan
  variables { system_log_level = "ERROR" }
  expect_failures = [var.system_log_level]
}

run "tracing_mode_unknown_refused" {
  command = plan
  variables { tracing_mode = "On" }
  expect_failures = [var.tracing_mode]
}

################################################################################
# Queue and event source mapping
################################################################################

run "max_receive_count_zero_refused" {
  command = plan
  variables { max_receive_count = 0 }
  expect_failures = [var.max_receive_count]
}

run "max_receive_count_above_1000_refused" {
  command = plan
  variables { max_receive_count = 1001 }
  expect_failures = [var.max_receive_count]
}

run "retention_equal_to_dlq_refused" {
  command = plan
  variables { message_retention_seconds = 1209600 }
  expect_failures = [var.message_retention_seconds]
}

run "retention_below_a_minute_refused" {
  command = plan
  variables { message_retention_seconds = 59 }
  expect_failures = [var.message_retention_seconds]
}

run "visibility_timeout_above_12_hours_refused" {
  command = plan
  variables { visibility_timeout_seconds = 43201 }
  expect_failures = [var.visibility_timeout_seconds]
}

run "batch_size_zero_refused" {
  command = plan
  variables { batch_size = 0 }
  expect_failures = [var.batch_size]
}

run "batch_size_above_10000_refused" {
  command = plan
  variables {
    batch_size                         = 10001
    maximum_batching_window_in_seconds = 1
  }
  expect_failures = [var.batch_size]
}

run "batch_size_above_10_without_window_refused" {
  command = plan
  variables { batch_size = 11 }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "batching_window_above_300_refused" {
  command = plan
  variables { maximum_batching_window_in_seconds = 301 }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "maximum_concurrency_one_refused" {
  command = plan
  variables { maximum_concurrency = 1 }
  expect_failures = [var.maximum_concurrency]
}

run "provisioned_pollers_with_maximum_concurrency_refused" {
  command = plan
  variables {
    maximum_concurrency       = 10
    provisioned_poller_config = { minimum_pollers = 2, maximum_pollers = 10 }
  }
  expect_failures = [var.provisioned_poller_config]
}

run "provisioned_pollers_below_two_refused" {
  command = plan
  variables { provisioned_poller_config = { minimum_pollers = 1, maximum_pollers = 10 } }
  expect_failures = [var.provisioned_poller_config]
}

run "provisioned_pollers_minimum_above_maximum_refused" {
  command = plan
  variables { provisioned_poller_config = { minimum_pollers = 20, maximum_pollers = 10 } }
  expect_failures = [var.provisioned_poller_config]
}

run "maximum_concurrency_above_reserved_refused" {
  command = plan
  variables {
    maximum_concurrency            = 20
    reserved_concurrent_executions = 10
  }
  expect_failures = [var.maximum_concurrency]
}

################################################################################
# Alarms and encryption
################################################################################

run "queue_age_threshold_too_small_refused" {
  command = plan
  variables { queue_age_alarm_threshold_seconds = 30 }
  expect_failures = [var.queue_age_alarm_threshold_seconds]
}

run "alarm_email_invalid_refused" {
  command = plan
  variables { alarm_email = "not-an-address" }
  expect_failures = [var.alarm_email]
}

run "kms_key_arn_invalid_refused" {
  command = plan
  variables { kms_key_arn = "alias/my-key" }
  expect_failures = [var.kms_key_arn]
}

run "abort_incomplete_multipart_upload_zero_refused" {
  command = plan
  variables { abort_incomplete_multipart_upload_days = 0 }
  expect_failures = [var.abort_incomplete_multipart_upload_days]
}

run "input_expiration_zero_refused" {
  command = plan
  variables { input_expiration_days = 0 }
  expect_failures = [var.input_expiration_days]
}

# Two instances of the module in one configuration plan side by side: every name is its own. Mock AWS provider
# (nothing reaches AWS); the package is the module's test fixture.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_zip_path = "../../tests/fixtures/function.zip"
}

run "no_name_is_shared" {
  command = plan

  assert {
    condition     = length(module.pipeline) == 2
    error_message = "The example must plan both pipelines."
  }

  # Each kind of name, across the pipelines: two different values.
  assert {
    condition = alltrue([
      for kind in [
        "bucket_name", "artifacts_bucket_name", "queue_name", "dlq_name", "function_name", "function_role_name",
        "log_group_name", "dashboard_name", "dlq_alarm_name", "queue_age_alarm_name", "function_errors_alarm_name",
        "function_throttles_alarm_name",
      ] : length(distinct([for pipeline in module.pipeline : pipeline[kind]])) == length(module.pipeline)
    ])
    error_message = "Two pipelines must not share a bucket, queue, function, role, log group, alarm or dashboard name."
  }

  assert {
    condition     = output.pipelines.thumbnails.bucket_name == "png2jpg-thumbnails-images-123456789012-us-east-1" && output.pipelines.archive.bucket_name == "png2jpg-archive-images-123456789012-us-east-1"
    error_message = "Each pipeline must have its own bucket, named after it: ${jsonencode(output.pipelines)}."
  }
}

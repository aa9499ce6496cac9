# The function's environment: what the kit sets, what a user adds.
#
# The environment holds the DLQ's URL, known only once the queue exists, so these runs apply the configuration to
# the mock provider (nothing reaches AWS) with a fixed URL for the DLQ: Terraform 1.9 and 1.10 use an override's
# values only when applying. The other test files plan.

mock_provider "aws" {
  source = "./tests/mocks"

  # Applying reads computed attributes the provider validates: the role the function runs as must be an ARN.
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/png2jpg-function"
    }
  }
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

override_resource {
  target = module.queue.aws_sqs_queue.dlq
  values = {
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq"
  }
}

run "kit_environment" {
  command = apply

  assert {
    condition = jsonencode(module.function.environment_variables) == jsonencode({
      ALLOWED_BUCKETS   = "png2jpg-images-123456789012-us-east-1"
      DLQ_URL           = "https://sqs.us-east-1.amazonaws.com/123456789012/png2jpg-dlq"
      INPUT_PREFIX      = "pngfiles/"
      JPEG_QUALITY      = "85"
      GLIBC_TUNABLES    = "glibc.malloc.mmap_threshold=131072"
      MATTE_COLOR       = "#ffffff"
      MAX_INPUT_BYTES   = "52428800"
      MAX_PIXELS        = "40000000"
      MAX_RECEIVE_COUNT = "5"
      MAX_WORKERS       = "4"
      METRICS_NAMESPACE = "png2jpg"
      OUTPUT_PREFIX     = "jpgfiles/"
    })
    error_message = "Unexpected environment ${jsonencode(module.function.environment_variables)}."
  }

  assert {
    condition     = output.dlq_url == module.function.environment_variables.DLQ_URL
    error_message = "DLQ_URL must be the DLQ's URL."
  }
}

run "function_environment_adds_user_variables" {
  command = apply

  variables {
    metrics_namespace     = "Images/Prod"
    environment_variables = { FEATURE = "on" }
  }

  assert {
    condition     = module.function.environment_variables.FEATURE == "on" && module.function.environment_variables.METRICS_NAMESPACE == "Images/Prod"
    error_message = "environment_variables must be added and metrics_namespace passed as METRICS_NAMESPACE: ${jsonencode(module.function.environment_variables)}."
  }
}

# One source: the variable that sets the redrive policy tells the function its last receive.
run "max_receive_count_follows_the_redrive_policy" {
  command = apply

  variables {
    max_receive_count = 3
  }

  assert {
    condition     = module.function.environment_variables.MAX_RECEIVE_COUNT == "3" && jsondecode(module.queue.redrive_policy).maxReceiveCount == 3
    error_message = "MAX_RECEIVE_COUNT must be the redrive policy's maxReceiveCount: ${jsonencode(module.function.environment_variables)}, ${module.queue.redrive_policy}."
  }
}

run "allowed_buckets_follows_bucket_name" {
  command = apply

  variables {
    bucket_name = "my-images"
  }

  assert {
    condition     = module.function.environment_variables.ALLOWED_BUCKETS == "my-images"
    error_message = "ALLOWED_BUCKETS must be the image bucket."
  }
}

run "allowed_buckets_is_the_existing_bucket" {
  command = apply

  variables {
    create_bucket = false
    bucket_name   = "team-images"
  }

  assert {
    condition     = module.function.environment_variables.ALLOWED_BUCKETS == "team-images"
    error_message = "With create_bucket = false the function must accept the existing bucket, and only it."
  }
}

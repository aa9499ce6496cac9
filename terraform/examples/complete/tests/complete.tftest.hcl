# The complete example plans with the module's defaults and passes each setting and output through.
# Mock AWS provider (nothing reaches AWS); the package is the module's test fixture.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_zip_path = "../../tests/fixtures/function.zip"
}

run "defaults" {
  command = plan

  assert {
    condition     = output.bucket_name == "png2jpg-images-123456789012-us-east-1" && output.function_name == "png2jpg"
    error_message = "The example must deploy the module's defaults, got ${output.bucket_name} and ${output.function_name}."
  }

  assert {
    condition     = output.input_prefix == "pngfiles/" && output.output_prefix == "jpgfiles/" && output.fifo_queue == false
    error_message = "The outputs the sender reads must pass through."
  }
}

run "settings_reach_the_module" {
  command = plan

  variables {
    name       = "png2jpg-e2e"
    fifo_queue = true
  }

  assert {
    condition     = output.queue_name == "png2jpg-e2e.fifo" && output.dlq_name == "png2jpg-e2e-dlq.fifo" && output.fifo_queue
    error_message = "name and fifo_queue must reach the module, got ${output.queue_name}."
  }

  assert {
    condition     = module.png2jpg.dashboard_name == "png2jpg-e2e"
    error_message = "Every resource must be named after name."
  }
}

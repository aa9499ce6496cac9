# Per pipeline, what python -m sender needs: `--bucket` and `--queue-url` (a root with one pipeline is read with
# --terraform-dir instead).

output "pipelines" {
  description = "For each pipeline: its image bucket, input and output prefixes, queue and DLQ URLs, and function name."
  value = {
    for key, pipeline in module.pipeline : key => {
      bucket_name   = pipeline.bucket_name
      input_prefix  = pipeline.input_prefix
      output_prefix = pipeline.output_prefix
      queue_url     = pipeline.queue_url
      dlq_url       = pipeline.dlq_url
      function_name = pipeline.function_name
    }
  }
}

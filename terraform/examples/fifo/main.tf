# A FIFO pipeline: images of a message group are converted one after another, in the order they were sent
# (python -m sender gives each PATH argument its own group). Trade-offs: docs/operations.md, "Choosing FIFO".

module "png2jpg" {
  source = "../.."

  name       = "png2jpg-fifo"
  fifo_queue = true
  # A FIFO event source mapping takes batches of at most 10 and no batching window (the module refuses more).
  batch_size = 10

  function_zip_path = var.function_zip_path
  architecture      = var.architecture
  runtime           = var.runtime
}

# Two independent pipelines from one module block: each has its own bucket, queues, function, alarms and
# dashboard, all named after its `name`, so neither collides with the other. They share the deployment package.

locals {
  pipelines = {
    # Small previews: lower quality, smaller images only.
    thumbnails = {
      jpeg_quality = 70
      max_pixels   = 16000000
    }
    # Archive copies: high quality.
    archive = {
      jpeg_quality = 95
      max_pixels   = 40000000
    }
  }
}

module "pipeline" {
  source   = "../.."
  for_each = local.pipelines

  name         = "png2jpg-${each.key}"
  jpeg_quality = each.value.jpeg_quality
  max_pixels   = each.value.max_pixels
  tags         = { Pipeline = each.key }

  function_zip_path = var.function_zip_path
  architecture      = var.architecture
  runtime           = var.runtime
}

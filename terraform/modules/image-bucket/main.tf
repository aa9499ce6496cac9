################################################################################
# Bucket
################################################################################

module "bucket" {
  source = "../private-bucket"

  bucket_name        = var.bucket_name
  partition          = var.partition
  force_destroy      = var.force_destroy
  kms_key_arn        = var.kms_key_arn
  versioning_enabled = var.versioning_enabled
  tags               = var.tags

  # Senders in other accounts may put PNGs under the input prefix, and do nothing else.
  allow_statements = length(var.sender_principals) == 0 ? [] : [
    {
      sid          = "AllowSendersToUpload"
      principals   = var.sender_principals
      actions      = ["s3:PutObject"]
      object_paths = ["${var.input_prefix}*"]
    },
  ]
}

################################################################################
# Lifecycle
################################################################################

locals {
  # Without any rule there is no lifecycle configuration at all (S3 refuses an empty one).
  lifecycle_enabled = var.abort_incomplete_multipart_upload_days != null || var.input_expiration_days != null || var.versioning_enabled
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = local.lifecycle_enabled ? 1 : 0

  bucket = module.bucket.id

  dynamic "rule" {
    for_each = var.abort_incomplete_multipart_upload_days == null ? [] : [var.abort_incomplete_multipart_upload_days]

    content {
      id     = "abort-incomplete-multipart-uploads"
      status = "Enabled"

      filter {}

      abort_incomplete_multipart_upload {
        days_after_initiation = rule.value
      }
    }
  }

  dynamic "rule" {
    for_each = var.input_expiration_days == null ? [] : [var.input_expiration_days]

    content {
      id     = "expire-inputs"
      status = "Enabled"

      filter {
        prefix = var.input_prefix
      }

      expiration {
        days = rule.value
      }
    }
  }

  # Versioning on: old versions of the inputs and outputs would otherwise be kept forever.
  dynamic "rule" {
    for_each = var.versioning_enabled ? [1] : []

    content {
      id     = "expire-noncurrent-versions"
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days = 30
      }
    }
  }

  # After the bucket's versioning.
  depends_on = [module.bucket]
}

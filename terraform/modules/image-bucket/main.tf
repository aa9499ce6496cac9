locals {
  # Built from the configured name rather than read back from the resource, so it is known at plan time
  # (the IAM and queue policies that use it show up in full in the plan and in `terraform test`).
  bucket_arn = "arn:${var.partition}:s3:::${aws_s3_bucket.this.bucket}"
}

################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second log bucket; CloudTrail data events cover auditing where required.
  #checkov:skip=CKV_AWS_144:Inputs and outputs are reproducible; cross-region replication is left to the user.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = var.versioning_enabled ? 1 : 0

  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
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

  bucket = aws_s3_bucket.this.id

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

  depends_on = [aws_s3_bucket_versioning.this]
}

################################################################################
# Bucket policy: TLS only
################################################################################

locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:*"]
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = local.policy

  # S3 rejects a policy put while the public access block is being changed.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

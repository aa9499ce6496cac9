locals {
  bucket_arn = "arn:${var.partition}:s3:::${aws_s3_bucket.this.bucket}"
}

################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second log bucket; the bucket only holds build output.
  #checkov:skip=CKV_AWS_144:The package is rebuilt from source; cross-region replication is not needed.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) protects a build artifact that holds no secrets; no KMS cost, works on LocalStack.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events from the artifacts bucket.
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
      sse_algorithm = "AES256"
    }
  }
}

# Versioned so that the function pins an exact object version (s3_object_version) and older packages stay
# available for a rollback.
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-old-packages"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

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

  depends_on = [aws_s3_bucket_public_access_block.this]
}

################################################################################
# Deployment package
################################################################################

resource "aws_s3_object" "package" {
  bucket      = aws_s3_bucket.this.id
  key         = var.object_key
  source      = var.source_path
  source_hash = filemd5(var.source_path)

  content_type = "application/zip"

  # The object needs versioning on to get a version_id the function can pin.
  depends_on = [aws_s3_bucket_versioning.this]
}

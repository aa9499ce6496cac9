# A private S3 bucket: what every bucket of this kit has in common. Lifecycle rules, notifications and
# objects belong to the caller.

locals {
  # Built from the configured name rather than read back from the resource, so it is known at plan time
  # (the IAM and queue policies that use it show up in full in the plan and in `terraform test`).
  arn = "arn:${var.partition}:s3:::${aws_s3_bucket.this.bucket}"
}

################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second log bucket; CloudTrail data events cover auditing where required.
  #checkov:skip=CKV_AWS_144:The kit's buckets hold reproducible data (images that can be re-sent and re-converted, a package rebuilt from source); cross-region replication is left to the user.
  #checkov:skip=CKV2_AWS_62:Notifications belong to the caller (the root adds the image bucket's optional S3 -> SQS one; nothing consumes the artifacts bucket's).
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
# Bucket policy: TLS only, and what the caller allows
################################################################################

locals {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = ["s3:*"]
          Resource  = [local.arn, "${local.arn}/*"]
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
      ],
      [for statement in var.allow_statements : {
        Sid       = statement.sid
        Effect    = "Allow"
        Principal = { AWS = statement.principals }
        Action    = statement.actions
        Resource  = [for path in statement.object_paths : "${local.arn}/${path}"]
      }],
    )
  })
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = local.policy

  # S3 rejects a policy put while the public access block is being changed.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

################################################################################
# Bucket
################################################################################

# Versioned so that the function pins an exact object version (package_version) and older packages stay
# available for a rollback. SSE-S3: the package holds no secrets.
module "bucket" {
  source = "../private-bucket"

  bucket_name        = var.bucket_name
  partition          = var.partition
  force_destroy      = var.force_destroy
  versioning_enabled = true
  tags               = var.tags
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = module.bucket.id

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

  # After the bucket's versioning.
  depends_on = [module.bucket]
}

################################################################################
# Deployment package
################################################################################

resource "aws_s3_object" "package" {
  bucket      = module.bucket.id
  key         = var.package_key
  source      = var.package_path
  source_hash = filemd5(var.package_path)

  content_type = "application/zip"
  tags         = var.tags

  # The object needs versioning on to get a version_id the function can pin.
  depends_on = [module.bucket]
}

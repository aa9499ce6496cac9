output "bucket_name" {
  description = "Name of the artifacts bucket."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the artifacts bucket."
  value       = local.bucket_arn
}

output "object_key" {
  description = "S3 key of the deployment package."
  value       = aws_s3_object.package.key
}

output "object_version" {
  description = "S3 version ID of the uploaded deployment package (changes whenever the zip changes)."
  value       = aws_s3_object.package.version_id
}

output "policy_json" {
  description = "The bucket policy (JSON)."
  value       = local.policy
}

output "public_access_block" {
  description = "The bucket's public access block settings (all four are true)."
  value = {
    block_public_acls       = aws_s3_bucket_public_access_block.this.block_public_acls
    block_public_policy     = aws_s3_bucket_public_access_block.this.block_public_policy
    ignore_public_acls      = aws_s3_bucket_public_access_block.this.ignore_public_acls
    restrict_public_buckets = aws_s3_bucket_public_access_block.this.restrict_public_buckets
  }
}

output "id" {
  description = "ID of the bucket (its name), for resources that attach to it."
  value       = aws_s3_bucket.this.id
}

output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket, known at plan time."
  value       = local.arn
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

output "sse_algorithm" {
  description = "Default server-side encryption of the bucket: AES256 (SSE-S3) or aws:kms."
  value       = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm
}

output "object_ownership" {
  description = "Object ownership setting of the bucket."
  value       = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership
}

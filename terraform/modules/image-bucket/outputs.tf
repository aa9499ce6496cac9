output "name" {
  description = "Name of the bucket."
  value       = module.bucket.name
}

output "arn" {
  description = "ARN of the bucket."
  value       = module.bucket.arn
}

output "policy_json" {
  description = "The bucket policy (JSON)."
  value       = module.bucket.policy_json
}

output "public_access_block" {
  description = "The bucket's public access block settings (all four are true)."
  value       = module.bucket.public_access_block
}

output "sse_algorithm" {
  description = "Default server-side encryption of the bucket: AES256 (SSE-S3) or aws:kms."
  value       = module.bucket.sse_algorithm
}

output "object_ownership" {
  description = "Object ownership setting of the bucket."
  value       = module.bucket.object_ownership
}

output "lifecycle_rules" {
  description = "IDs and status of the bucket's lifecycle rules (empty when the bucket has no lifecycle configuration)."
  value       = { for r in flatten(aws_s3_bucket_lifecycle_configuration.this[*].rule) : r.id => r.status }
}

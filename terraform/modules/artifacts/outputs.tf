output "bucket_name" {
  description = "Name of the artifacts bucket."
  value       = module.bucket.name
}

output "package_key" {
  description = "S3 key of the deployment package."
  value       = aws_s3_object.package.key
}

output "package_version" {
  description = "S3 version ID of the uploaded deployment package (changes whenever the zip changes)."
  value       = aws_s3_object.package.version_id
}

output "policy_json" {
  description = "The bucket policy (JSON)."
  value       = module.bucket.policy_json
}

output "public_access_block" {
  description = "The bucket's public access block settings (all four are true)."
  value       = module.bucket.public_access_block
}

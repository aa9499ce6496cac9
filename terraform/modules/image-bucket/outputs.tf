output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket."
  value       = local.bucket_arn
}

output "policy_json" {
  description = "The bucket policy (JSON)."
  value       = data.aws_iam_policy_document.this.json
}

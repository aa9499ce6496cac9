# A pipeline on a bucket the team already has (create_bucket = false): Terraform creates nothing on the bucket and
# changes none of its settings, and destroy leaves it and its objects alone. What the kit then no longer
# guarantees, and what to check on the bucket: docs/integration.md.

module "png2jpg" {
  source = "../.."

  name          = "png2jpg-team"
  create_bucket = false
  bucket_name   = var.bucket_name
  input_prefix  = var.input_prefix
  output_prefix = var.output_prefix

  # "eventbridge" reads the bucket's Object Created events once its EventBridge notifications are on, leaving its
  # notification configuration alone; "sender" lets python -m sender enqueue; "s3" is refused on such a bucket.
  s3_event_source          = var.s3_event_source
  s3_notification_suffixes = var.s3_notification_suffixes
  sns_topic_arns           = var.sns_topic_arns

  kms_key_arn       = var.kms_key_arn
  sender_principals = var.sender_principals

  function_zip_path = var.function_zip_path
  architecture      = var.architecture
  runtime           = var.runtime
}

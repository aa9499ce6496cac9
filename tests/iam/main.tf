# The function module with fixed inputs, planned (never applied) by tests/terraform_policy.py so that tests read
# the execution role's inline policy exactly as Terraform renders it. No credentials, no network: the provider
# skips every check that would call AWS, and planning these resources calls nothing.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true
}

module "function" {
  source = "../../terraform/modules/function"

  name       = "png2jpg"
  account_id = "123456789012"
  region     = "us-east-1"
  partition  = "aws"

  package_bucket   = "png2jpg-artifacts"
  package_key      = "png2jpg/function.zip"
  package_version  = "1"
  source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

  runtime            = "python3.13"
  architecture       = "x86_64"
  memory_size        = 1024
  timeout            = 60
  log_retention_days = 30

  image_bucket_arn = "arn:aws:s3:::png2jpg-images"
  input_prefix     = "pngfiles/"
  output_prefix    = "jpgfiles/"

  queue_arn  = "arn:aws:sqs:us-east-1:123456789012:png2jpg"
  dlq_arn    = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"
  batch_size = 10
}

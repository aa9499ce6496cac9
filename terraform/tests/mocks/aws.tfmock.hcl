# The mock AWS provider every test file uses (`mock_provider "aws" { source = "./tests/mocks" }`): nothing reaches
# AWS and no credentials are needed. Account, region and partition are fixed here.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/test"
    user_id    = "AIDATESTTESTTESTTEST"
  }
}

mock_data "aws_region" {
  defaults = {
    id = "us-east-1"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

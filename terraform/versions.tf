terraform {
  # 1.9: variable validations that refer to other variables (e.g. visibility timeout vs. function timeout).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}

# Region and credentials come from the standard AWS environment (AWS_REGION, AWS_PROFILE, ...).
provider "aws" {
  default_tags {
    tags = var.tags
  }
}

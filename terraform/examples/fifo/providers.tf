# Region and credentials come from the standard AWS environment (AWS_REGION, AWS_PROFILE, ...).
provider "aws" {}

# Region and credentials come from the standard AWS environment (AWS_REGION, AWS_PROFILE, ...). The provider's
# default_tags reach every resource of this configuration, both pipelines' included; each pipeline adds its own
# tags through the module's `tags`.
provider "aws" {
  default_tags {
    tags = {
      Example   = "two-pipelines"
      ManagedBy = "terraform"
    }
  }
}

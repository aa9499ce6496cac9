terraform {
  # 1.9: variable validations that refer to other variables (e.g. visibility timeout vs. function timeout).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 and every 6.x: docs/provider-6.md lists what 6.x changes for each resource the module uses.
      version = ">= 5.100, < 7.0"
    }
  }
}

# No provider configuration here: the module takes the caller's `aws` provider (its region, credentials and
# default_tags), so it can be called with for_each, count and depends_on.

# Region and credentials come from the standard AWS environment (AWS_REGION, AWS_PROFILE, ...). Tags: the
# module's `tags` variable; a default_tags block here would add tags to every resource of this root.
provider "aws" {}

# sender_principals: roles or accounts elsewhere that may send images get exactly two grants, s3:PutObject under the
# input prefix and sqs:SendMessage on the queue; every deny stays, and nothing else names them.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
  sender_principals = ["arn:aws:iam::210987654321:role/uploader", "arn:aws:iam::111122223333:root"]
}

run "exactly_two_grants" {
  command = plan

  assert {
    condition = jsonencode(jsondecode(module.image_bucket[0].policy_json).Statement) == jsonencode([
      {
        Action    = ["s3:*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
        Effect    = "Deny"
        Principal = "*"
        Resource  = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1", "arn:aws:s3:::png2jpg-images-123456789012-us-east-1/*"]
        Sid       = "DenyInsecureTransport"
      },
      {
        Action    = ["s3:PutObject"]
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::210987654321:role/uploader", "arn:aws:iam::111122223333:root"] }
        Resource  = ["arn:aws:s3:::png2jpg-images-123456789012-us-east-1/pngfiles/*"]
        Sid       = "AllowSendersToUpload"
      },
    ])
    error_message = "The bucket policy must keep its TLS-only deny and let the senders put objects under the input prefix, nothing else: ${module.image_bucket[0].policy_json}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.queue_policy_json).Statement) == jsonencode([
      {
        Action    = ["sqs:*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
        Effect    = "Deny"
        Principal = "*"
        Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
        Sid       = "DenyInsecureTransport"
      },
      {
        Action    = ["sqs:SendMessage"]
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::210987654321:role/uploader", "arn:aws:iam::111122223333:root"] }
        Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
        Sid       = "AllowSenders"
      },
    ])
    error_message = "The queue policy must keep its TLS-only deny and let the senders send, nothing else: ${module.queue.queue_policy_json}."
  }

  assert {
    condition = alltrue([for policy in [module.queue.dlq_policy_json, module.artifacts.policy_json] :
      [for s in jsondecode(policy).Statement : s.Sid] == ["DenyInsecureTransport"]
    ])
    error_message = "The DLQ and the artifacts bucket must grant the senders nothing."
  }

  assert {
    condition     = !strcontains(module.function.assume_role_policy_json, "210987654321") && !strcontains(module.function.policy_json, "210987654321")
    error_message = "The function's role must neither trust nor name the senders."
  }
}

run "principal_with_wildcard_refused" {
  command = plan

  variables {
    sender_principals = ["arn:aws:iam::210987654321:role/*"]
  }

  expect_failures = [var.sender_principals]
}

run "anyone_refused" {
  command = plan

  variables {
    sender_principals = ["*"]
  }

  expect_failures = [var.sender_principals]
}

run "user_refused" {
  command = plan

  variables {
    sender_principals = ["arn:aws:iam::210987654321:user/alice"]
  }

  expect_failures = [var.sender_principals]
}

# Event routing (s3_event_source, sns_topic_arns) on the bucket the kit creates: who may send to the queue, and what
# the kit creates for each route. tests/existing_bucket.tftest.hcl covers a bucket the kit does not own.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "sender_by_default" {
  command = plan

  assert {
    condition     = output.s3_event_source == "sender" && length(output.s3_notification_suffixes) == 0 && output.eventbridge_rule_arn == null
    error_message = "The sender enqueues by default, and the outputs the sender reads must say so."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 0 && length(module.object_created_rule) == 0 && length(aws_sns_topic_subscription.this) == 0
    error_message = "By default nothing but the sender sends to the queue: no notification, rule or subscription."
  }

  assert {
    condition     = [for s in jsondecode(module.queue.queue_policy_json).Statement : s.Sid] == ["DenyInsecureTransport"]
    error_message = "By default the queue policy allows no other sender: ${module.queue.queue_policy_json}."
  }

  assert {
    condition     = [for s in jsondecode(module.queue.dlq_policy_json).Statement : s.Sid] == ["DenyInsecureTransport"]
    error_message = "By default the DLQ policy allows no sender: ${module.queue.dlq_policy_json}."
  }
}

run "s3_notifications" {
  command = plan

  variables {
    s3_event_source = "s3"
  }

  assert {
    condition     = output.s3_notification_suffixes == tolist([".png", ".PNG"])
    error_message = "The s3_notification_suffixes output must list the suffixes when S3 enqueues."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.queue_policy_json).Statement[1]) == jsonencode({
      Action = ["sqs:SendMessage"]
      Condition = {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::png2jpg-images-123456789012-us-east-1" }
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
      Sid       = "AllowS3EventNotifications"
    }) && length(jsondecode(module.queue.queue_policy_json).Statement) == 2
    error_message = "The queue policy must let only this bucket, in this account, send to the queue: ${module.queue.queue_policy_json}."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 1 && aws_s3_bucket_notification.this[0].eventbridge == false
    error_message = "s3 must create the bucket notification, without EventBridge."
  }

  assert {
    condition = alltrue([for q in aws_s3_bucket_notification.this[0].queue :
      q.filter_prefix == "pngfiles/" && contains([".png", ".PNG"], q.filter_suffix) && q.events == toset(["s3:ObjectCreated:*"])
    ]) && length(aws_s3_bucket_notification.this[0].queue) == 2
    error_message = "Notifications must be limited to PNGs under the input prefix."
  }

  assert {
    condition     = length(module.object_created_rule) == 0
    error_message = "s3 needs no EventBridge rule."
  }
}

run "eventbridge_on_the_kits_bucket" {
  command = plan

  variables {
    s3_event_source = "eventbridge"
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 1 && aws_s3_bucket_notification.this[0].eventbridge && length(aws_s3_bucket_notification.this[0].queue) == 0
    error_message = "On its own bucket the kit turns EventBridge notifications on, and sends nothing to the queue directly."
  }

  assert {
    condition = jsondecode(module.object_created_rule[0].event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["png2jpg-images-123456789012-us-east-1"] }
        object = { key = [{ wildcard = "pngfiles/*.png" }, { wildcard = "pngfiles/*.PNG" }] }
      }
    }
    error_message = "The rule must match the bucket's Object Created events under the input prefix with a PNG suffix: ${module.object_created_rule[0].event_pattern}."
  }

  assert {
    condition = module.object_created_rule[0].target == {
      arn              = "arn:aws:sqs:us-east-1:123456789012:png2jpg"
      message_group_id = null
      dead_letter_arn  = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"
    }
    error_message = "The rule must target the queue, with no message group on a standard queue, and keep what it cannot deliver in the DLQ: ${jsonencode(module.object_created_rule[0].target)}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.dlq_policy_json).Statement[1]) == jsonencode({
      Action    = ["sqs:SendMessage"]
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:us-east-1:123456789012:rule/png2jpg-object-created" } }
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"]
      Sid       = "AllowEventBridgeRuleFailures"
    }) && length(jsondecode(module.queue.dlq_policy_json).Statement) == 2
    error_message = "The DLQ policy must let EventBridge send what it could not deliver, from this rule only: ${module.queue.dlq_policy_json}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.queue_policy_json).Statement) == jsonencode([
      jsondecode(module.queue.queue_policy_json).Statement[0],
      {
        Action    = ["sqs:SendMessage"]
        Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:us-east-1:123456789012:rule/png2jpg-object-created" } }
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
        Sid       = "AllowEventBridgeRule"
      },
    ]) && jsondecode(module.queue.queue_policy_json).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The queue policy must let EventBridge send from this rule only: ${module.queue.queue_policy_json}."
  }

  assert {
    condition     = module.object_created_rule[0].rule_name == "png2jpg-object-created" && output.eventbridge_rule_arn == "arn:aws:events:us-east-1:123456789012:rule/png2jpg-object-created"
    error_message = "The rule's name and the ARN the queue policy allows must agree."
  }

  assert {
    condition     = output.s3_event_source == "eventbridge" && output.s3_notification_suffixes == tolist([".png", ".PNG"])
    error_message = "The sender must read that uploads are enqueued, and for which suffixes."
  }
}

run "eventbridge_suffixes_match_themselves_only" {
  command = plan

  variables {
    s3_event_source          = "eventbridge"
    input_prefix             = "in/(raw)/"
    s3_notification_suffixes = ["*.png", "\\x.png"]
  }

  assert {
    condition     = jsondecode(module.object_created_rule[0].event_pattern).detail.object.key == [{ wildcard = "in/(raw)/*\\*.png" }, { wildcard = "in/(raw)/*\\\\x.png" }]
    error_message = "A suffix's * and \\ must be escaped in the wildcard: ${module.object_created_rule[0].event_pattern}."
  }
}

run "suffix_without_png_refused" {
  command = plan

  variables {
    s3_event_source          = "eventbridge"
    s3_notification_suffixes = [".png", ".jpg"]
  }

  expect_failures = [var.s3_notification_suffixes]
}

run "unknown_event_source_refused" {
  command = plan

  variables {
    s3_event_source = "sqs"
  }

  expect_failures = [var.s3_event_source]
}

run "sns_topics" {
  command = plan

  variables {
    sns_topic_arns = ["arn:aws:sns:us-east-1:123456789012:uploads", "arn:aws:sns:us-east-1:210987654321:team-fanout"]
  }

  assert {
    condition = { for topic, subscription in aws_sns_topic_subscription.this : topic => [subscription.protocol, subscription.endpoint, subscription.raw_message_delivery, jsondecode(subscription.redrive_policy)] } == {
      "arn:aws:sns:us-east-1:123456789012:uploads"     = ["sqs", "arn:aws:sqs:us-east-1:123456789012:png2jpg", false, { deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq" }]
      "arn:aws:sns:us-east-1:210987654321:team-fanout" = ["sqs", "arn:aws:sqs:us-east-1:123456789012:png2jpg", false, { deadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq" }]
    }
    error_message = "The queue must subscribe to each topic, raw message delivery off, what SNS cannot deliver kept in the DLQ."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.dlq_policy_json).Statement[1]) == jsonencode({
      Action    = ["sqs:SendMessage"]
      Condition = { ArnEquals = { "aws:SourceArn" = ["arn:aws:sns:us-east-1:123456789012:uploads", "arn:aws:sns:us-east-1:210987654321:team-fanout"] } }
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"]
      Sid       = "AllowSnsTopicFailures"
    }) && length(jsondecode(module.queue.dlq_policy_json).Statement) == 2
    error_message = "The DLQ policy must let SNS send what it could not deliver, from these topics only: ${module.queue.dlq_policy_json}."
  }

  assert {
    condition = jsonencode(jsondecode(module.queue.queue_policy_json).Statement[1]) == jsonencode({
      Action    = ["sqs:SendMessage"]
      Condition = { ArnEquals = { "aws:SourceArn" = ["arn:aws:sns:us-east-1:123456789012:uploads", "arn:aws:sns:us-east-1:210987654321:team-fanout"] } }
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Resource  = ["arn:aws:sqs:us-east-1:123456789012:png2jpg"]
      Sid       = "AllowSnsTopics"
    }) && length(jsondecode(module.queue.queue_policy_json).Statement) == 2
    error_message = "The queue policy must let SNS send from these topics only: ${module.queue.queue_policy_json}."
  }

  assert {
    condition     = output.s3_event_source == "sender" && length(output.s3_notification_suffixes) == 0
    error_message = "Topics do not change what the sender does: it cannot know which of its uploads a topic carries."
  }
}

run "sns_topic_in_another_region_refused" {
  command = plan

  variables {
    sns_topic_arns = ["arn:aws:sns:eu-west-1:123456789012:uploads"]
  }

  expect_failures = [aws_sns_topic_subscription.this]
}

run "sns_topic_arn_not_a_topic_refused" {
  command = plan

  variables {
    sns_topic_arns = ["arn:aws:sqs:us-east-1:123456789012:uploads"]
  }

  expect_failures = [var.sns_topic_arns]
}

# What an operator sees: the dashboard, the alarms and the event source mapping's own metrics and scaling mode.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  function_zip_path = "tests/fixtures/function.zip"
}

run "dashboard_by_default" {
  command = plan

  variables {
    name              = "imgconv"
    metrics_namespace = "Images/Prod"
  }

  assert {
    condition     = output.dashboard_name == "imgconv"
    error_message = "The dashboard must be on by default and named after name, got ${jsonencode(output.dashboard_name)}."
  }

  assert {
    condition     = output.dashboard_url == "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/imgconv"
    error_message = "Unexpected dashboard URL ${jsonencode(output.dashboard_url)}."
  }

  # Every plain metric names one of the deployed queues or the function, in its own namespace.
  assert {
    condition = toset(flatten([for w in jsondecode(module.dashboard[0].dashboard_body).widgets : [
      for m in w.properties.metrics : "${m[0]} ${m[2]}=${m[3]}" if length(m) >= 4
      ]])) == toset([
      "AWS/SQS QueueName=imgconv",
      "AWS/SQS QueueName=imgconv-dlq",
      "AWS/Lambda FunctionName=imgconv",
      "Images/Prod FunctionName=imgconv",
    ])
    error_message = "The widgets must show the deployed queue, DLQ and function only: ${module.dashboard[0].dashboard_body}."
  }

  assert {
    condition = toset(flatten([for w in jsondecode(module.dashboard[0].dashboard_body).widgets : [
      for m in w.properties.metrics : "${m[0]}/${m[1]}" if length(m) >= 4
      ]])) == toset([
      "AWS/SQS/ApproximateNumberOfMessagesVisible",
      "AWS/SQS/ApproximateNumberOfMessagesNotVisible",
      "AWS/SQS/ApproximateAgeOfOldestMessage",
      "AWS/Lambda/Invocations",
      "AWS/Lambda/Errors",
      "AWS/Lambda/Throttles",
      "AWS/Lambda/ConcurrentExecutions",
      "AWS/Lambda/Duration",
      "Images/Prod/ImagesConverted",
      "Images/Prod/ImagesUnchanged",
      "Images/Prod/ImagesSuperseded",
      "Images/Prod/ImagesDeferred",
      "Images/Prod/Megapixels",
    ])
    error_message = "Unexpected set of dashboard metrics: ${module.dashboard[0].dashboard_body}."
  }

  # ImagesFailed has the dimension set FunctionName + ErrorClass: one line per class, this function only.
  assert {
    condition = contains(flatten([for w in jsondecode(module.dashboard[0].dashboard_body).widgets : [
      for m in w.properties.metrics : try(m[0].expression, "")
      ]]),
    "SEARCH('{\"Images/Prod\",ErrorClass,FunctionName} MetricName=\"ImagesFailed\" FunctionName=\"imgconv\"', 'Sum', 60)")
    error_message = "Images failed must be searched by ErrorClass for this function: ${module.dashboard[0].dashboard_body}."
  }

  assert {
    condition = toset(flatten([for w in jsondecode(module.dashboard[0].dashboard_body).widgets : [
      for m in w.properties.metrics : m[4].stat if length(m) >= 5 && try(m[1], "") == "Duration"
    ]])) == toset(["p50", "p95"])
    error_message = "Function duration must be shown as p50 and p95."
  }
}

run "dashboard_off" {
  command = plan

  variables {
    enable_dashboard = false
  }

  assert {
    condition     = length(module.dashboard) == 0 && output.dashboard_name == null && output.dashboard_url == null
    error_message = "enable_dashboard = false must create no dashboard and null outputs."
  }
}

run "alarms_on_function_errors_and_throttles" {
  command = plan

  variables {
    alarm_actions = ["arn:aws:sns:us-east-1:123456789012:existing"]
  }

  assert {
    condition = jsonencode({ for key, alarm in module.alarms.alarms : key => [alarm.namespace, alarm.metric_name, alarm.dimensions, alarm.statistic, alarm.threshold] if startswith(key, "function_") }) == jsonencode({
      function_errors    = ["AWS/Lambda", "Errors", { FunctionName = "png2jpg" }, "Sum", 0]
      function_throttles = ["AWS/Lambda", "Throttles", { FunctionName = "png2jpg" }, "Sum", 0]
    })
    error_message = "The function must have an alarm on any error and any throttle: ${jsonencode(module.alarms.alarms)}."
  }

  assert {
    condition = alltrue([for alarm in values(module.alarms.alarms) :
      alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:existing"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Every alarm must notify the same actions on ALARM and OK: ${jsonencode(module.alarms.alarms)}."
  }
}

################################################################################
# Event source mapping: metrics and scaling mode
################################################################################

run "event_source_mapping_metrics_by_default" {
  command = plan

  assert {
    condition     = module.function.event_source_mapping.metrics == toset(["EventCount"])
    error_message = "The mapping must publish its EventCount metrics by default: ${jsonencode(module.function.event_source_mapping)}."
  }

  assert {
    condition     = module.function.event_source_mapping.provisioned_poller_config == null
    error_message = "The mapping must be in standard mode by default."
  }
}

run "event_source_mapping_metrics_off" {
  command = plan

  variables {
    enable_event_source_mapping_metrics = false
  }

  assert {
    condition     = module.function.event_source_mapping.metrics == null
    error_message = "enable_event_source_mapping_metrics = false must leave metrics_config out."
  }
}

run "event_source_mapping_provisioned_mode" {
  command = plan

  variables {
    provisioned_poller_config = { minimum_pollers = 2, maximum_pollers = 20 }
  }

  assert {
    condition     = module.function.event_source_mapping.provisioned_poller_config.minimum_pollers == 2 && module.function.event_source_mapping.provisioned_poller_config.maximum_pollers == 20
    error_message = "provisioned_poller_config must be passed to the mapping: ${jsonencode(module.function.event_source_mapping)}."
  }

  assert {
    condition     = module.function.event_source_mapping.maximum_concurrency == null
    error_message = "Provisioned mode has no maximum concurrency."
  }
}

output "dashboard_name" {
  description = "Name of the dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "URL of the dashboard in the AWS console."
  value       = "https://${local.console_host}/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "dashboard_body" {
  description = "The dashboard's JSON body (widgets and their metrics)."
  value       = local.body
}

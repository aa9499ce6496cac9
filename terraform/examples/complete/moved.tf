# Before 1.0.0, terraform/ itself was the root that `make deploy` applied. A deployment made then keeps every
# resource when its state moves here (terraform/terraform.tfstate to this folder, or this root pointed at the
# same backend): the plan shows these moves and no replacement. CHANGELOG.md, 1.0.0, says how.

moved {
  from = terraform_data.package
  to   = module.png2jpg.terraform_data.package
}

moved {
  from = module.image_bucket
  to   = module.png2jpg.module.image_bucket
}

moved {
  from = module.queue
  to   = module.png2jpg.module.queue
}

moved {
  from = aws_s3_bucket_notification.this
  to   = module.png2jpg.aws_s3_bucket_notification.this
}

moved {
  from = module.artifacts
  to   = module.png2jpg.module.artifacts
}

moved {
  from = module.function
  to   = module.png2jpg.module.function
}

moved {
  from = module.alarms
  to   = module.png2jpg.module.alarms
}

moved {
  from = module.dashboard
  to   = module.png2jpg.module.dashboard
}

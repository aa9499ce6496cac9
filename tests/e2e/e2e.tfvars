# The e2e deployment on LocalStack: the complete example (the module as make deploy applies it) with short
# clocks, so a poison message reaches the DLQ in about a minute instead of an hour. Everything else keeps its
# default.
name          = "png2jpg-e2e"
force_destroy = true

# Visibility timeout = 6 x 3 s + 0 s window = 18 s; a poison message is received twice.
timeout                            = 3
maximum_batching_window_in_seconds = 0
max_receive_count                  = 2

memory_size        = 512
log_retention_days = 1

"""The png2jpg sender: upload PNG files to S3 and enqueue one SQS message per file.

Run it as ``python -m sender --help``; ``python -m sender.redrive`` moves DLQ messages back.
"""

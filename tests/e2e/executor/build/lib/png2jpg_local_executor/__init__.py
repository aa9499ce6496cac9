"""LocalStack Lambda runtime executor that runs Python functions in local subprocesses.

LocalStack runs Lambda code only in Docker. This executor runs the deployed, unzipped package
in a long-lived worker process per execution environment, with the Python interpreter that
matches the function's runtime, so the event source mapping, partial batch failures and DLQ
redrive work end to end on machines without Docker.
"""

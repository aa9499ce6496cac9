"""png2jpg: the Lambda function that turns PNG objects named in SQS messages into JPEG objects.

Handler string: ``png2jpg.handler.lambda_handler``. Modules, one job each:

- :mod:`png2jpg.handler`: the entry point: per record, get, convert, put, quarantine, log;
- :mod:`png2jpg.batch`: the SQS batch contract: FIFO groups, the deadline, the partial response;
- :mod:`png2jpg.message`: the message and key contract: bodies to S3 objects, output keys (no I/O);
- :mod:`png2jpg.convert`: PNG bytes to JPEG bytes, header checks first (pure, no AWS);
- :mod:`png2jpg.budget`: the memory budget the batch's threads share;
- :mod:`png2jpg.storage`: S3 reads and writes, their errors sorted permanent or transient;
- :mod:`png2jpg.versions`: which version of its PNG a JPEG holds, which of two is newer (no I/O);
- :mod:`png2jpg.newest`: conditional writes of the JPEG, a lost race decided by version;
- :mod:`png2jpg.quarantine`: failures to the DLQ with their reason;
- :mod:`png2jpg.metrics`: CloudWatch Embedded Metric Format documents;
- :mod:`png2jpg.config`: the environment variables, parsed and validated once;
- :mod:`png2jpg.errors`: the permanent/transient error classes.
"""

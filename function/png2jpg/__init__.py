"""png2jpg: the Lambda function that turns PNG objects named in SQS messages into JPEG objects.

Handler string: ``png2jpg.handler.lambda_handler``. Modules, one job each:

- :mod:`png2jpg.convert`: PNG bytes to JPEG bytes, pure (no AWS);
- :mod:`png2jpg.message`: SQS message body to S3 locations, and the output-key mapping (no I/O);
- :mod:`png2jpg.config`: the environment variables, parsed and validated once;
- :mod:`png2jpg.errors`: the permanent/transient error classes;
- :mod:`png2jpg.log`: one JSON object per log line;
- :mod:`png2jpg.handler`: S3 I/O, the batch, partial batch responses.
"""

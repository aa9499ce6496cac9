"""Message bodies as AWS's documentation shows them, each under the address it is copied from.

The function must read every shape a route delivers; these are the documents AWS publishes for
them, unchanged, so a test built on them tests AWS's shape rather than our idea of it. Helpers
below put another bucket or key into a sample without touching the rest of it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
# ("Example message"): what S3 sends to an SQS queue or an SNS topic. The key is URL-encoded.
S3_NOTIFICATION = """
{
   "Records":[
      {
         "eventVersion":"2.1",
         "eventSource":"aws:s3",
         "awsRegion":"us-west-2",
         "eventTime":"1970-01-01T00:00:00.000Z",
         "eventName":"ObjectCreated:Put",
         "userIdentity":{
            "principalId":"AIDAJDPLRKLG7UEXAMPLE"
         },
         "requestParameters":{
            "sourceIPAddress":"172.16.0.1"
         },
         "responseElements":{
            "x-amz-request-id":"C3D13FE58DE4C810",
            "x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
         },
         "s3":{
            "s3SchemaVersion":"1.0",
            "configurationId":"testConfigRule",
            "bucket":{
               "name":"amzn-s3-demo-bucket",
               "ownerIdentity":{
                  "principalId":"A3NL1KOZZKExample"
               },
               "arn":"arn:aws:s3:::amzn-s3-demo-bucket"
            },
            "object":{
               "key":"HappyFace.jpg",
               "size":1024,
               "eTag":"d41d8cd98f00b204e9800998ecf8427e",
               "versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko",
               "sequencer":"0055AED6DCD90281E5"
            }
         }
      }
   ]
}
"""

# The same page ("Test message"): what S3 sends once when a notification is configured.
S3_TEST_EVENT = """
{
   "Service":"Amazon S3",
   "Event":"s3:TestEvent",
   "Time":"2014-10-13T15:57:02.089Z",
   "Bucket":"amzn-s3-demo-bucket",
   "RequestId":"5582815E1AEA5ADF",
   "HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"
}
"""

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html ("Object created"): what an
# EventBridge rule on S3's events sends to its SQS target. The key is as stored, not URL-encoded.
EVENTBRIDGE_OBJECT_CREATED = """
{
  "version": "0",
  "id": "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created",
  "source": "aws.s3",
  "account": "111122223333",
  "time": "2021-11-12T00:00:00Z",
  "region": "ca-central-1",
  "resources": [
    "arn:aws:s3:::amzn-s3-demo-bucket1"
  ],
  "detail": {
    "version": "0",
    "bucket": {
      "name": "amzn-s3-demo-bucket1"
    },
    "object": {
      "key": "example-key",
      "size": 5,
      "etag": "b1946ac92492d2347c6235b4d2611184",
      "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      "sequencer": "617f08299329d189"
    },
    "request-id": "N4N7GDK58NMKJ12R",
    "requester": "123456789012",
    "source-ip-address": "1.2.3.4",
    "reason": "PutObject"
  }
}
"""

# https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html: what SNS delivers to a
# subscribed queue with raw message delivery off. The published message is the Message string.
SNS_NOTIFICATION = """
{
   "Type" : "Notification",
   "MessageId" : "63a3f6b6-d533-4a47-aef9-fcf5cf758c76",
   "TopicArn" : "arn:aws:sns:us-west-2:123456789012:MyTopic",
   "Subject" : "Testing publish to subscribed queues",
   "Message" : "Hello world!",
   "Timestamp" : "2012-03-29T05:12:16.901Z",
   "SignatureVersion" : "1",
   "Signature" : "EXAMPLEnTrFPa3...",
   "SigningCertURL" : "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
   "UnsubscribeURL" : "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c7fe3a54-ab0e-4ec2-88e0-db410a0f2bee"
}
"""

# https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html: what SNS
# sends to confirm a subscription that needs it (a queue subscribed from another account).
SNS_SUBSCRIPTION_CONFIRMATION = """
{
  "Type" : "SubscriptionConfirmation",
  "MessageId" : "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  "Token" : "2336412f37...",
  "TopicArn" : "arn:aws:sns:us-west-2:123456789012:MyTopic",
  "Message" : "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\\nTo confirm the subscription, visit the SubscribeURL included in this message.",
  "SubscribeURL" : "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37...",
  "Timestamp" : "2012-04-26T20:45:04.751Z",
  "SignatureVersion" : "1",
  "Signature" : "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
  "SigningCertURL" : "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
}
"""  # noqa: E501


def s3_notification(bucket: str, encoded_key: str) -> str:
    """S3's sample notification naming another bucket and (URL-encoded) key."""
    document = json.loads(S3_NOTIFICATION)
    record = document["Records"][0]
    record["s3"]["bucket"]["name"] = bucket
    record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    record["s3"]["object"]["key"] = encoded_key
    return json.dumps(document)


def eventbridge_event(bucket: str, key: str, detail_type: str = "Object Created") -> str:
    """S3's sample EventBridge event naming another bucket and key (as stored)."""
    document = json.loads(EVENTBRIDGE_OBJECT_CREATED)
    document["detail-type"] = detail_type
    document["resources"] = [f"arn:aws:s3:::{bucket}"]
    document["detail"]["bucket"]["name"] = bucket
    document["detail"]["object"]["key"] = key
    return json.dumps(document)


def sns_wrapped(message: str, **fields: Any) -> str:
    """SNS's sample delivery to a queue carrying ``message`` (and ``fields`` changed)."""
    document: dict[str, Any] = copy.deepcopy(json.loads(SNS_NOTIFICATION))
    document["Message"] = message
    document["Subject"] = "Amazon S3 Notification"
    document.update(fields)
    return json.dumps(document)

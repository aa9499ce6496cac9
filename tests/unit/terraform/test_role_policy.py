"""The function role's policy as Terraform renders it: exactly what the code needs, nothing more."""

from __future__ import annotations

from tests.terraform_policy import rendered_role_policy

BUCKET = "arn:aws:s3:::png2jpg-images"


def test_role_policy_holds_exactly_the_scoped_statements() -> None:
    policy = rendered_role_policy()

    assert policy["Version"] == "2012-10-17"
    assert sorted(policy["Statement"], key=lambda statement: statement["Sid"]) == [
        {
            "Sid": "ConsumeQueue",
            "Effect": "Allow",
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            "Resource": ["arn:aws:sqs:us-east-1:123456789012:png2jpg"],
        },
        {
            "Sid": "ListInputs",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [BUCKET],
            "Condition": {"StringLike": {"s3:prefix": ["pngfiles/*"]}},
        },
        {
            "Sid": "ListOutputs",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [BUCKET],
            "Condition": {"StringLike": {"s3:prefix": ["jpgfiles/*"]}},
        },
        {
            "Sid": "QuarantineFailures",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": ["arn:aws:sqs:us-east-1:123456789012:png2jpg-dlq"],
        },
        {
            "Sid": "ReadInputs",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [f"{BUCKET}/pngfiles/*"],
        },
        {
            "Sid": "ReadOutputs",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [f"{BUCKET}/jpgfiles/*"],
        },
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/png2jpg:*"],
        },
        {
            "Sid": "WriteOutputs",
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": [f"{BUCKET}/jpgfiles/*"],
        },
    ]

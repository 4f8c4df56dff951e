"""What an ECS task's two roles must be allowed for what the task definition wires to them (read 2026-12-07).

The execution role is the one the ECS agent (Fargate agent) uses before and around the containers: it pulls the
image, creates the log streams and fetches the secrets it injects.  The task role is the one the application's
AWS SDK gets; a permission in the other role does not reach it ("Amazon ECS task execution IAM role" and
"Amazon ECS task IAM role", ECS developer guide).

* Images from a private ECR repository: ``ecr:GetAuthorizationToken`` (no resource-level permissions, so
  ``Resource: "*"``), ``ecr:BatchGetImage`` and ``ecr:GetDownloadUrlForLayer`` on the repository (ECS developer
  guide, "Amazon ECS task execution IAM role"; ECR user guide, "Private repository policies").
* The ``awslogs`` driver: ``logs:CreateLogStream`` and ``logs:PutLogEvents`` on the log group
  (``logs:CreateLogGroup`` as well with ``awslogs-create-group``) (ECS developer guide, "Send Amazon ECS logs to
  CloudWatch").
* The AWS managed policy ``AmazonECSTaskExecutionRolePolicy`` grants exactly the ECR and log actions above, on
  ``"*"`` (ECS developer guide, "Amazon ECS task execution IAM role"; AWS Managed Policy reference,
  "AmazonECSTaskExecutionRolePolicy").
* ``secrets`` of a container: ``secretsmanager:GetSecretValue`` on the secret, ``ssm:GetParameters`` on a Parameter
  Store parameter; the ``valueFrom`` may add ``:<json-key>:<stage>:<version>`` to the secret ARN, IAM matches the
  secret's own ARN ("Required IAM permissions for Amazon ECS secrets", ECS developer guide).
  ``repositoryCredentials`` (private registry authentication) needs the same on its secret.
* EFS volumes with ``authorizationConfig.iam = ENABLED`` mount with the task role: ``elasticfilesystem:ClientMount``,
  plus ``elasticfilesystem:ClientWrite`` unless every mount of the volume is read-only.  An allow in either the
  identity policy or the file system policy suffices; without a file system policy the default one lets every
  client that reaches a mount target in (EFS user guide, "Using IAM to control access to file systems", "Default
  EFS file system policy"; ECS developer guide, "Amazon EFS volumes").
* Amazon MSK with IAM client authentication: ``kafka-cluster:Connect`` on the cluster, and reading or writing a topic
  (``kafka-cluster:ReadData`` / ``kafka-cluster:WriteData``) on ``topic/<cluster name>/<cluster uuid>/<topic>`` (MSK
  developer guide, "IAM access control", "Authorization policy resources").  The IAM listeners are 9098 (in the
  VPC) and 9198 (public access); the client sets SASL mechanism ``AWS_MSK_IAM`` (or OAUTHBEARER with the signer).
* RDS Proxy (and RDS) IAM database authentication: ``rds-db:connect`` on
  ``arn:aws:rds-db:<region>:<account>:dbuser:<proxy or DB resource id>/<database user>`` (RDS user guide,
  "Setting up IAM authentication for RDS Proxy" and "Creating and using an IAM policy for IAM database access").
* SNS topics, SQS queues and Kinesis streams the task is told about: ``sns:Publish``; one of
  ``sqs:SendMessage`` / ``sqs:ReceiveMessage``; one of ``kinesis:PutRecord(s)`` / ``kinesis:GetRecords`` (each
  service's "Actions, resources, and condition keys" page, Service Authorization Reference).
"""

from __future__ import annotations

EXECUTION, TASK = "execution", "task"
ROLE_INPUT = {EXECUTION: "executionRoleArn", TASK: "taskRoleArn"}

EXECUTION_MANAGED_POLICY = "AmazonECSTaskExecutionRolePolicy"
EXECUTION_MANAGED_STATEMENTS = (
    {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                                   "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
                                   "logs:PutLogEvents"], "Resource": "*"},
)

ECR_TOKEN = ("ecr:GetAuthorizationToken",)
ECR_PULL = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
AWSLOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
AWSLOGS_CREATE_GROUP = ("logs:CreateLogGroup",)
SECRET_READ = ("secretsmanager:GetSecretValue",)
PARAMETER_READ = ("ssm:GetParameters",)
EFS_MOUNT, EFS_WRITE = ("elasticfilesystem:ClientMount",), ("elasticfilesystem:ClientWrite",)
MSK_CONNECT = ("kafka-cluster:Connect",)
MSK_DATA_ANY = ("kafka-cluster:ReadData", "kafka-cluster:WriteData")
MSK_IAM_PORTS = (9098, 9198)
MSK_IAM_MECHANISMS = ("AWS_MSK_IAM", "OAUTHBEARER")
RDS_CONNECT = ("rds-db:connect",)
SNS_PUBLISH = ("sns:Publish",)
SQS_ANY = ("sqs:SendMessage", "sqs:ReceiveMessage")
KINESIS_ANY = ("kinesis:PutRecord", "kinesis:PutRecords", "kinesis:GetRecords")

# Every action named above (the tests check each against AWS's action catalogue).
ALL_ACTIONS = (*ECR_TOKEN, *ECR_PULL, *AWSLOGS, *AWSLOGS_CREATE_GROUP, *SECRET_READ, *PARAMETER_READ, *EFS_MOUNT,
               *EFS_WRITE, *MSK_CONNECT, *MSK_DATA_ANY, *RDS_CONNECT, *SNS_PUBLISH, *SQS_ANY, *KINESIS_ANY)

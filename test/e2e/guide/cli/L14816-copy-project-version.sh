aws rekognition copy-project-version \
  --source-project-arn source-project-arn \
  --source-project-version-arn source-project-version-arn \
  --destination-project-arn destination-project-arn \
--version-name version-name \
--output-config '{"S3Bucket": "bucket", "S3KeyPrefix": "folder"}' \
--kms-key-id arn:myKey \
--tags '{"key": "key"}' \
--profile custom-labels-access

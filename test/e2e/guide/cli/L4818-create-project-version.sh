aws rekognition create-project-version \
  --project-arn project_arn \
  --version-name version_name \
  --output-config '{"S3Bucket": "output_bucket", "S3KeyPrefix": "output_folder"}' \
  --profile custom-labels-access

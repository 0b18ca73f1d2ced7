aws s3 cp --recursive your-local-folder s3://your-target-S3-location

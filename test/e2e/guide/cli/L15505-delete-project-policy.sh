aws rekognition delete-project-policy \
  --policy-name policy-name \
  --policy-revision-id policy-revision-id \
  --project-arn project-arn \
  --profile custom-labels-access

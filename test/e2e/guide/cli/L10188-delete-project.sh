aws rekognition delete-project --project-arn project_arn \
  --profile custom-labels-access

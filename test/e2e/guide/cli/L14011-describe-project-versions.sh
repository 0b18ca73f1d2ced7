aws rekognition describe-project-versions --project-arn project_arn \
  --version-names version_name \
  --profile custom-labels-access

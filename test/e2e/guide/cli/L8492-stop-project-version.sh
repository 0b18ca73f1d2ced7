aws rekognition stop-project-version --project-version-arn "model arn" \
  --profile custom-labels-access

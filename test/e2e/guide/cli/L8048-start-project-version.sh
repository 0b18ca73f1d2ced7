aws rekognition start-project-version --project-version-arn model_arn \
  --min-inference-units minimum number of units \
  --max-inference-units maximum number of units \
  --profile custom-labels-access

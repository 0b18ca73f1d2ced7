aws rekognition detect-custom-labels --project-version-arn model_arn \
  --image '{"S3Object":{"Bucket":"bucket","Name":"image"}}' \
  --min-confidence 70 \
  --profile custom-labels-access

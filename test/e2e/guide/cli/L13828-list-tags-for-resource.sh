aws rekognition list-tags-for-resource --resource-arn resource-arn \
  --profile custom-labels-access

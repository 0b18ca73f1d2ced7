aws rekognition untag-resource --resource-arn resource-arn \
  --tag-keys ["key1", "key2"] \
  --profile custom-labels-access

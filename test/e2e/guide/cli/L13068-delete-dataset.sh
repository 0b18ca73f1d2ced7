aws rekognition delete-dataset --dataset-arn dataset-arn \
  --profile custom-labels-access

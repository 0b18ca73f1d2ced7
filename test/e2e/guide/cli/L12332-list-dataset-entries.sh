aws rekognition list-dataset-entries --dataset-arn dataset_arn \
--has-errors \
--profile custom-labels-access

aws rekognition describe-dataset --dataset-arn dataset_arn \
--profile custom-labels-access

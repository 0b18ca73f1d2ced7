aws rekognition list-dataset-entries --dataset-arn dataset_arn \
--profile custom-labels-access

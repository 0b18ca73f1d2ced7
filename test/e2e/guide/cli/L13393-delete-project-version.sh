aws rekognition delete-project-version --project-version-arn model_arn \
--profile custom-labels-access

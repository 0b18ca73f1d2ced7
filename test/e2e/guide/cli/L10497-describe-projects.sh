aws rekognition describe-projects --project-names project_name \
  --profile custom-labels-access

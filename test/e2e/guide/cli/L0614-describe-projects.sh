aws rekognition describe-projects \
--profile custom-labels-access

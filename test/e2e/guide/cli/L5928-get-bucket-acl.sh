aws s3api get-bucket-acl --bucket amzn-s3-demo-bucket

# Everything from the environment, e.g.
#   export HW_REGION_NAME=cn-north-4
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...
provider "swr" {}

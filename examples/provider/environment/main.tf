# Everything from the environment, e.g.
#   export HW_REGION_NAME=cn-north-4
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...
#
# A provider block only, which cannot run alone: add the data sources to read.
provider "swr" {}

# Everything from the environment, e.g.
#   export HW_REGION_NAME=cn-north-4
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...
#
# A provider block only, which cannot run alone: the acceptance suite
# (TestAccExamples) runs it inside a complete configuration against the fake.
provider "swr" {}

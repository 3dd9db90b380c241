# Every running SWR Enterprise instance of the project.
# A snippet, which cannot run alone: add required_providers and a provider block.
data "swr_instances" "running" {
  status = "Running"
}

# One instance, by its exact name ("demo" in the bundled fake's sample data).
data "swr_instances" "demo" {
  name = "demo"

  lifecycle {
    postcondition {
      condition     = length(self.instances) == 1
      error_message = "Expected one SWR Enterprise instance named \"demo\", found ${length(self.instances)}."
    }
  }
}

output "running_instances" {
  value = { for i in data.swr_instances.running.instances : i.name => i.id }
}

output "demo_instance_id" {
  value = one(data.swr_instances.demo.instances).id
}

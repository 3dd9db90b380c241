# Every running SWR Enterprise instance of the project.
data "swr_instances" "running" {
  status = "Running"
}

# One instance, by its exact name.
data "swr_instances" "platform" {
  name = "platform"
}

output "running_instances" {
  value = { for i in data.swr_instances.running.instances : i.name => i.id }
}

output "platform_instance_id" {
  value = one(data.swr_instances.platform.instances).id
}

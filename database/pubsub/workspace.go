package pubsub

// EventWorkspace is published (with no payload) when a workspace changes in
// a way its watchers should see: a build was created, a field was edited, it
// was shared or deleted. Build progress is not on this channel; watchers
// follow the latest build's EventProvisionerJobLogs for that.
func EventWorkspace(workspaceID string) string { return "workspace:" + workspaceID }

package codersdk

// ConnectionType is the kind of session a connection log row records,
// Coder's names.
type ConnectionType string

const (
	ConnectionTypeSSH             ConnectionType = "ssh"
	ConnectionTypeVSCode          ConnectionType = "vscode"
	ConnectionTypeJetBrains       ConnectionType = "jetbrains"
	ConnectionTypeReconnectingPTY ConnectionType = "reconnecting_pty"
	ConnectionTypeWorkspaceApp    ConnectionType = "workspace_app"
	ConnectionTypePortForwarding  ConnectionType = "port_forwarding"
)

// ConnectionTypes lists every connection type, for validation.
var ConnectionTypes = []ConnectionType{
	ConnectionTypeSSH, ConnectionTypeVSCode, ConnectionTypeJetBrains, ConnectionTypeReconnectingPTY,
	ConnectionTypeWorkspaceApp, ConnectionTypePortForwarding,
}

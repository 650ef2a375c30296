package rbac

// Action is a verb a subject performs on an object.
type Action string

// WildcardSymbol matches every resource type (in Permission.ResourceType) or
// every action (in Permission.Action and in ACL lists).
const WildcardSymbol = "*"

// The actions, named as in Coder's policy package. Which actions each
// resource type supports is listed by Resources.
const (
	ActionCreate Action = "create"
	ActionRead   Action = "read"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"

	ActionUse                Action = "use"
	ActionSSH                Action = "ssh"
	ActionApplicationConnect Action = "application_connect"
	ActionViewInsights       Action = "view_insights"

	ActionWorkspaceStart Action = "start"
	ActionWorkspaceStop  Action = "stop"

	ActionAssign   Action = "assign"
	ActionUnassign Action = "unassign"

	ActionReadPersonal   Action = "read_personal"
	ActionUpdatePersonal Action = "update_personal"

	ActionCreateAgent Action = "create_agent"
	ActionDeleteAgent Action = "delete_agent"
	ActionUpdateAgent Action = "update_agent"

	ActionShare     Action = "share"
	ActionUseShared Action = "use_shared"
)

// allActions fixes each action's bit in the decision tables. At most 32.
var allActions = []Action{
	ActionCreate, ActionRead, ActionUpdate, ActionDelete,
	ActionUse, ActionSSH, ActionApplicationConnect, ActionViewInsights,
	ActionWorkspaceStart, ActionWorkspaceStop,
	ActionAssign, ActionUnassign,
	ActionReadPersonal, ActionUpdatePersonal,
	ActionCreateAgent, ActionDeleteAgent, ActionUpdateAgent,
	ActionShare, ActionUseShared,
}

// AllActions returns every action in a fixed order.
func AllActions() []Action {
	return append([]Action(nil), allActions...)
}

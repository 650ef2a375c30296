package terraform

// Attributes of the coder provider's resources and data sources, as the
// provider's schema names them.

type agentAttrs struct {
	ID                    string            `json:"id"`
	Token                 string            `json:"token"`
	OS                    string            `json:"os"`
	Arch                  string            `json:"arch"`
	Auth                  string            `json:"auth"`
	Dir                   string            `json:"dir"`
	Env                   map[string]string `json:"env"`
	ConnectionTimeout     *int64            `json:"connection_timeout"`
	TroubleshootingURL    string            `json:"troubleshooting_url"`
	MOTDFile              string            `json:"motd_file"`
	StartupScript         string            `json:"startup_script"`
	StartupScriptBehavior string            `json:"startup_script_behavior"`
	ShutdownScript        string            `json:"shutdown_script"`
	Order                 int64             `json:"order"`
	Metadata              []struct {
		Key         string `json:"key"`
		DisplayName string `json:"display_name"`
		Script      string `json:"script"`
		Interval    int64  `json:"interval"`
		Timeout     int64  `json:"timeout"`
		Order       int64  `json:"order"`
	} `json:"metadata"`
	DisplayApps []struct {
		VSCode               bool `json:"vscode"`
		VSCodeInsiders       bool `json:"vscode_insiders"`
		WebTerminal          bool `json:"web_terminal"`
		SSHHelper            bool `json:"ssh_helper"`
		PortForwardingHelper bool `json:"port_forwarding_helper"`
	} `json:"display_apps"`
}

type appAttrs struct {
	AgentID     string `json:"agent_id"`
	Slug        string `json:"slug"`
	DisplayName string `json:"display_name"`
	Command     string `json:"command"`
	URL         string `json:"url"`
	Icon        string `json:"icon"`
	Subdomain   bool   `json:"subdomain"`
	External    bool   `json:"external"`
	Hidden      bool   `json:"hidden"`
	Share       string `json:"share"`
	Order       int64  `json:"order"`
	OpenIn      string `json:"open_in"`
	Group       string `json:"group"`
	Healthcheck []struct {
		URL       string `json:"url"`
		Interval  int32  `json:"interval"`
		Threshold int32  `json:"threshold"`
	} `json:"healthcheck"`
}

type scriptAttrs struct {
	AgentID          string `json:"agent_id"`
	DisplayName      string `json:"display_name"`
	Icon             string `json:"icon"`
	Script           string `json:"script"`
	Cron             string `json:"cron"`
	StartBlocksLogin bool   `json:"start_blocks_login"`
	RunOnStart       bool   `json:"run_on_start"`
	RunOnStop        bool   `json:"run_on_stop"`
	Timeout          int32  `json:"timeout"`
	LogPath          string `json:"log_path"`
}

type envAttrs struct {
	AgentID       string  `json:"agent_id"`
	Name          string  `json:"name"`
	Value         *string `json:"value"`
	MergeStrategy string  `json:"merge_strategy"`
}

type metadataAttrs struct {
	ResourceID string `json:"resource_id"`
	Hide       bool   `json:"hide"`
	Icon       string `json:"icon"`
	DailyCost  int32  `json:"daily_cost"`
	Item       []struct {
		Key       string  `json:"key"`
		Value     *string `json:"value"`
		Sensitive bool    `json:"sensitive"`
		IsNull    bool    `json:"is_null"`
	} `json:"item"`
}

type agentInstanceAttrs struct {
	AgentID    string `json:"agent_id"`
	InstanceID string `json:"instance_id"`
}

type parameterAttrs struct {
	Name        string  `json:"name"`
	DisplayName string  `json:"display_name"`
	Description string  `json:"description"`
	Type        string  `json:"type"`
	FormType    string  `json:"form_type"`
	Mutable     bool    `json:"mutable"`
	Ephemeral   bool    `json:"ephemeral"`
	Default     *string `json:"default"`
	Icon        string  `json:"icon"`
	Optional    bool    `json:"optional"`
	Order       int64   `json:"order"`
	Value       string  `json:"value"`
	Option      []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Value       string `json:"value"`
		Icon        string `json:"icon"`
	} `json:"option"`
	Validation []struct {
		Min         *int64 `json:"min"`
		MinDisabled *bool  `json:"min_disabled"`
		Max         *int64 `json:"max"`
		MaxDisabled *bool  `json:"max_disabled"`
		Monotonic   string `json:"monotonic"`
		Regex       string `json:"regex"`
		Error       string `json:"error"`
	} `json:"validation"`
}

type presetAttrs struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Icon        string            `json:"icon"`
	Default     bool              `json:"default"`
	Parameters  map[string]string `json:"parameters"`
}

type externalAuthAttrs struct {
	ID       string `json:"id"`
	Optional bool   `json:"optional"`
}

// instanceIDAttribute is where well-known compute resources keep the ID
// an agent with instance identity authentication proves it runs on.
var instanceIDAttribute = map[string]string{
	"aws_instance":                    "id",
	"aws_spot_instance_request":       "spot_instance_id",
	"google_compute_instance":         "instance_id",
	"azurerm_linux_virtual_machine":   "virtual_machine_id",
	"azurerm_windows_virtual_machine": "virtual_machine_id",
}

// instanceTypeAttribute is where compute resources keep their size.
var instanceTypeAttribute = map[string]string{
	"aws_instance":                    "instance_type",
	"aws_spot_instance_request":       "instance_type",
	"google_compute_instance":         "machine_type",
	"azurerm_linux_virtual_machine":   "size",
	"azurerm_windows_virtual_machine": "size",
}

package terraform

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// The plan's JSON leaves out variable types, and a missing required
// variable stops Terraform before it says anything about the others, so
// the root module's variable blocks are read from the source.

var variableFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}},
}

var variableBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
}

// loadVariables reads the variable blocks of the root module in dir, in
// name order. Terraform has already validated the files by the time this
// runs (init), so errors here are unexpected but reported as failures.
func loadVariables(dir string) ([]provisioner.Variable, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, xerrors.Errorf("read template directory: %w", err)
	}
	parser := hclparse.NewParser()
	var out []provisioner.Variable
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		// Override files merge into other blocks; their variables are
		// already declared elsewhere.
		base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
		if base == "override" || strings.HasSuffix(base, "_override") {
			continue
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		switch {
		case strings.HasSuffix(name, ".tf"):
			file, diags = parser.ParseHCLFile(filepath.Join(dir, name))
		case strings.HasSuffix(name, ".tf.json"):
			file, diags = parser.ParseJSONFile(filepath.Join(dir, name))
		default:
			continue
		}
		if diags.HasErrors() {
			return nil, &provisioner.Failure{Message: diags.Error()}
		}
		content, _, diags := file.Body.PartialContent(variableFileSchema)
		if diags.HasErrors() {
			return nil, &provisioner.Failure{Message: diags.Error()}
		}
		for _, block := range content.Blocks {
			v, err := decodeVariable(block, file.Bytes)
			if err != nil {
				return nil, err
			}
			if seen[v.Name] {
				continue
			}
			seen[v.Name] = true
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out, nil
}

func decodeVariable(block *hcl.Block, src []byte) (provisioner.Variable, error) {
	v := provisioner.Variable{Name: block.Labels[0], Type: provisioner.ParameterTypeString, Required: true}
	fail := func(diags hcl.Diagnostics) error {
		return &provisioner.Failure{Message: fmt.Sprintf("variable %q: %s", v.Name, diags.Error())}
	}
	content, _, diags := block.Body.PartialContent(variableBlockSchema)
	if diags.HasErrors() {
		return v, fail(diags)
	}
	if attr, ok := content.Attributes["type"]; ok {
		if t := typeExpression(attr.Expr, src); t != "" && t != "any" {
			v.Type = t
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return v, fail(diags)
		}
		if val.Type() == cty.String && val.IsKnown() && !val.IsNull() {
			v.Description = val.AsString()
		}
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return v, fail(diags)
		}
		v.Sensitive = val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() && val.True()
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			return v, fail(diags)
		}
		// default = null leaves the variable required, as in Terraform.
		if !val.IsNull() {
			s, err := ctyString(val)
			if err != nil {
				return v, &provisioner.Failure{Message: fmt.Sprintf("variable %q: default: %s", v.Name, err)}
			}
			v.DefaultValue, v.Required = s, false
		}
	}
	return v, nil
}

// typeExpression is a type constraint as written: "string", "list(string)".
func typeExpression(expr hcl.Expression, src []byte) string {
	if kw := hcl.ExprAsKeyword(expr); kw != "" {
		return kw
	}
	if _, ok := expr.(hclsyntax.Expression); ok {
		return strings.Join(strings.Fields(string(expr.Range().SliceBytes(src))), "")
	}
	// In JSON files the constraint is a string.
	if val, diags := expr.Value(nil); !diags.HasErrors() && val.Type() == cty.String && !val.IsNull() {
		return strings.Join(strings.Fields(val.AsString()), "")
	}
	return ""
}

// ctyString renders a default value: strings as they are, numbers and
// bools as literals, anything else as JSON.
func ctyString(val cty.Value) (string, error) {
	if !val.IsWhollyKnown() {
		return "", xerrors.New("the value is not known until apply")
	}
	switch val.Type() {
	case cty.String:
		return val.AsString(), nil
	case cty.Number:
		return val.AsBigFloat().Text('f', -1), nil
	case cty.Bool:
		if val.True() {
			return "true", nil
		}
		return "false", nil
	}
	b, err := ctyjson.Marshal(val, val.Type())
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// resolveVariables pairs the template's variables with the given values:
// it returns the tfvars JSON to pass with -var-file, or a failure naming
// every required variable without a value.
func resolveVariables(vars []provisioner.Variable, given []provisioner.VariableValue, j *job) ([]byte, error) {
	values := make(map[string]string, len(given))
	for _, v := range given {
		values[v.Name] = v.Value
	}
	file := map[string]json.RawMessage{}
	var missing []string
	for _, v := range vars {
		value, ok := values[v.Name]
		delete(values, v.Name)
		if v.Required && (!ok || value == "") {
			missing = append(missing, v.Name)
			continue
		}
		if !ok {
			continue // Terraform uses the default.
		}
		file[v.Name] = tfvarJSON(v.Type, value)
	}
	if len(missing) > 0 {
		return nil, &provisioner.Failure{
			Code:      provisioner.ErrorCodeRequiredTemplateVariables,
			Message:   "required template variables need values: " + strings.Join(missing, ", "),
			Variables: vars,
		}
	}
	unknown := make([]string, 0, len(values))
	for name := range values {
		unknown = append(unknown, name)
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		j.logf(provisioner.LogLevelWarn, stageSettingUp, "Ignoring a value for variable %q, which the template does not declare", name)
	}
	return json.Marshal(file)
}

// tfvarJSON encodes a value for a tfvars.json file. Values arrive as
// strings; Terraform converts JSON by the variable's type, so numbers,
// bools and collections go in as JSON when they are valid JSON and as
// strings otherwise (Terraform then reports the type error itself).
func tfvarJSON(typ, value string) json.RawMessage {
	str, _ := json.Marshal(value)
	switch {
	case typ == provisioner.ParameterTypeString:
		return str
	case typ == provisioner.ParameterTypeNumber:
		if _, ok := new(big.Float).SetString(value); ok && json.Valid([]byte(value)) {
			return json.RawMessage(value)
		}
	case typ == provisioner.ParameterTypeBool:
		if value == "true" || value == "false" {
			return json.RawMessage(value)
		}
	default:
		trimmed := strings.TrimSpace(value)
		if json.Valid([]byte(trimmed)) && (strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "{")) {
			return json.RawMessage(trimmed)
		}
	}
	return str
}

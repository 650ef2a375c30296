package terraform

import (
	"encoding/json"
	"fmt"

	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// tfShow is the part of `terraform show -json` we read, for a plan file or
// for the state.
type tfShow struct {
	// Values is set when showing state.
	Values *tfValues `json:"values"`
	// PlannedValues and PriorState are set when showing a plan. Data
	// sources read during the plan (parameters, presets) are in the prior
	// state; managed resources as they will be are in the planned values.
	PlannedValues *tfValues `json:"planned_values"`
	PriorState    *struct {
		Values *tfValues `json:"values"`
	} `json:"prior_state"`
}

type tfValues struct {
	RootModule tfModule `json:"root_module"`
}

type tfModule struct {
	Resources    []tfResource `json:"resources"`
	ChildModules []tfModule   `json:"child_modules"`
}

type tfResource struct {
	Address string          `json:"address"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Index   json.RawMessage `json:"index"`
	Values  json.RawMessage `json:"values"`
}

func (m tfModule) flatten(out []tfResource) []tfResource {
	out = append(out, m.Resources...)
	for _, c := range m.ChildModules {
		out = c.flatten(out)
	}
	return out
}

// resources lists every resource instance the show output describes.
// Unknown values (computed during apply) are simply absent.
func (s tfShow) resources() []tfResource {
	if s.Values != nil {
		return s.Values.RootModule.flatten(nil)
	}
	var out []tfResource
	if s.PlannedValues != nil {
		out = s.PlannedValues.RootModule.flatten(nil)
	}
	seen := make(map[string]bool, len(out))
	for _, r := range out {
		seen[r.Address] = true
	}
	if s.PriorState != nil && s.PriorState.Values != nil {
		for _, r := range s.PriorState.Values.RootModule.flatten(nil) {
			// Managed resources only in the prior state are being
			// destroyed by the plan.
			if r.Mode == "data" && !seen[r.Address] {
				out = append(out, r)
			}
		}
	}
	return out
}

func parseShow(data []byte) (tfShow, error) {
	var s tfShow
	if err := json.Unmarshal(data, &s); err != nil {
		return s, xerrors.Errorf("decode terraform show output: %w", err)
	}
	return s, nil
}

func decode(r tfResource, v any) error {
	if len(r.Values) == 0 || string(r.Values) == "null" {
		return nil
	}
	if err := json.Unmarshal(r.Values, v); err != nil {
		return &provisioner.Failure{Message: fmt.Sprintf("%s: unexpected attributes: %s", r.Address, err)}
	}
	return nil
}

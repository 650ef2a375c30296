package convert

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// millis converts a stored duration (nanoseconds) to the wire's milliseconds.
func millis(ns int64) int64 { return ns / int64(time.Millisecond) }

// Template converts a template row (with its organization and creator names).
func Template(t database.Template) codersdk.Template {
	return codersdk.Template{
		ID:                      t.ID,
		CreatedAt:               t.CreatedAt,
		UpdatedAt:               t.UpdatedAt,
		OrganizationID:          t.OrganizationID,
		OrganizationName:        t.OrganizationName,
		OrganizationDisplayName: t.OrganizationDisplayName,
		OrganizationIcon:        t.OrganizationIcon,
		Name:                    t.Name,
		DisplayName:             t.DisplayName,
		Provisioner:             codersdk.ProvisionerType(t.Provisioner),
		ActiveVersionID:         t.ActiveVersionID,
		ActiveUserCount:         int(t.ActiveUserCount),
		BuildTimeStats:          EmptyBuildTimeStats(),
		Description:             t.Description,
		Deprecated:              t.Deprecated != "",
		DeprecationMessage:      t.Deprecated,
		Deleted:                 t.Deleted,
		Icon:                    t.Icon,
		DefaultTTLMillis:        millis(t.DefaultTtl),
		ActivityBumpMillis:      millis(t.ActivityBump),
		AutostopRequirement: codersdk.TemplateAutostopRequirement{
			DaysOfWeek: codersdk.BitmapToWeekdays(uint8(t.AutostopRequirementDaysOfWeek)),
			Weeks:      t.AutostopRequirementWeeks,
		},
		AutostartRequirement: codersdk.TemplateAutostartRequirement{
			// Stored as the days autostart is blocked, so that the
			// column's zero value allows every day.
			DaysOfWeek: codersdk.BitmapToWeekdays(^uint8(t.AutostartBlockDaysOfWeek) & 0x7f),
		},
		CreatedByID:                    t.CreatedBy,
		CreatedByName:                  t.CreatedByUsername,
		AllowUserAutostart:             t.AllowUserAutostart,
		AllowUserAutostop:              t.AllowUserAutostop,
		AllowUserCancelWorkspaceJobs:   t.AllowUserCancelWorkspaceJobs,
		AllowWorkspaceRenames:          t.AllowWorkspaceRenames,
		FailureTTLMillis:               millis(t.FailureTtl),
		TimeTilDormantMillis:           millis(t.TimeTilDormant),
		TimeTilDormantAutoDeleteMillis: millis(t.TimeTilDormantAutodelete),
		RequireActiveVersion:           t.RequireActiveVersion,
		MaxPortShareLevel:              codersdk.WorkspaceAgentPortShareLevel(t.MaxPortSharingLevel),
		CORSBehavior:                   codersdk.CORSBehavior(t.CorsBehavior),
		UseClassicParameterFlow:        t.UseClassicParameterFlow,
	}
}

// EmptyBuildTimeStats: no workspace has been built from the template, so
// every transition has no durations yet.
func EmptyBuildTimeStats() codersdk.TemplateBuildTimeStats {
	return codersdk.TemplateBuildTimeStats{
		codersdk.WorkspaceTransitionStart:  {},
		codersdk.WorkspaceTransitionStop:   {},
		codersdk.WorkspaceTransitionDelete: {},
	}
}

// TemplateVersion converts a version with its converted job, creator and
// matching daemons (nil unless the job is pending).
func TemplateVersion(v database.TemplateVersion, job codersdk.ProvisionerJob, createdBy codersdk.MinimalUser, matched *codersdk.MatchedProvisioners) codersdk.TemplateVersion {
	out := codersdk.TemplateVersion{
		ID:                  v.ID,
		OrganizationID:      v.OrganizationID,
		CreatedAt:           v.CreatedAt,
		UpdatedAt:           v.UpdatedAt,
		Name:                v.Name,
		Message:             v.Message,
		Job:                 job,
		Readme:              v.Readme,
		CreatedBy:           createdBy,
		Archived:            v.Archived,
		MatchedProvisioners: matched,
	}
	if v.TemplateID.Valid {
		id := v.TemplateID.UUID
		out.TemplateID = &id
	}
	return out
}

// markdownPlaintext reduces a parameter description to plain text: links
// become their text and emphasis, headings and list marks go.
func markdownPlaintext(s string) string {
	s = markdownLink.ReplaceAllString(s, "$1")
	s = markdownHeading.ReplaceAllString(s, "")
	s = markdownEmphasis.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}

// TemplateVersionParameter converts a parameter. Its options decide what a
// user may choose, so options that do not decode are an error, not an empty
// list.
func TemplateVersionParameter(p database.TemplateVersionParameter) (codersdk.TemplateVersionParameter, error) {
	options := []codersdk.TemplateVersionParameterOption{}
	if len(p.Options) > 0 {
		if err := json.Unmarshal(p.Options, &options); err != nil {
			return codersdk.TemplateVersionParameter{}, xerrors.Errorf("options of parameter %q: %w", p.Name, err)
		}
		if options == nil {
			options = []codersdk.TemplateVersionParameterOption{}
		}
	}
	return codersdk.TemplateVersionParameter{
		Name:                 p.Name,
		DisplayName:          p.DisplayName,
		Description:          p.Description,
		DescriptionPlaintext: markdownPlaintext(p.Description),
		Type:                 p.Type,
		FormType:             p.FormType,
		Mutable:              p.Mutable,
		DefaultValue:         p.DefaultValue,
		Icon:                 p.Icon,
		Options:              options,
		ValidationError:      p.ValidationError,
		ValidationRegex:      p.ValidationRegex,
		ValidationMin:        p.ValidationMin,
		ValidationMax:        p.ValidationMax,
		ValidationMonotonic:  codersdk.ValidationMonotonicOrder(p.ValidationMonotonic),
		Required:             p.Required,
		Ephemeral:            p.Ephemeral,
	}, nil
}

// Redacted replaces sensitive variable values.
const Redacted = "*redacted*"

// TemplateVersionVariable converts a variable, redacting sensitive values.
func TemplateVersionVariable(v database.TemplateVersionVariable) codersdk.TemplateVersionVariable {
	out := codersdk.TemplateVersionVariable{
		Name: v.Name, Description: v.Description, Type: v.Type, Value: v.Value,
		DefaultValue: v.DefaultValue, Required: v.Required, Sensitive: v.Sensitive,
	}
	if out.Sensitive {
		if out.Value != "" {
			out.Value = Redacted
		}
		if out.DefaultValue != "" {
			out.DefaultValue = Redacted
		}
	}
	return out
}

// Preset converts a preset. Its values become build parameters, so values
// that do not decode are an error.
func Preset(p database.TemplateVersionPreset) (codersdk.Preset, error) {
	params := []codersdk.PresetParameter{}
	if len(p.Parameters) > 0 {
		if err := json.Unmarshal(p.Parameters, &params); err != nil {
			return codersdk.Preset{}, xerrors.Errorf("parameters of preset %s: %w", p.ID, err)
		}
		if params == nil {
			params = []codersdk.PresetParameter{}
		}
	}
	return codersdk.Preset{ID: p.ID, Name: p.Name, Parameters: params, Default: p.IsDefault}, nil
}

// Markdown syntax removed for description_plaintext.
var (
	markdownLink     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	markdownEmphasis = regexp.MustCompile("(\\*\\*|__|\\*|_|~~|`)")
	markdownHeading  = regexp.MustCompile(`(?m)^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+)`)
)

package templates

import (
	"fmt"
	"time"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
)

// Limits on template fields, as Coder's.
const (
	MaxDisplayNameLength        = 64
	MaxDescriptionLength        = 128
	MaxAutostopRequirementWeeks = 16
	// MaxDuration bounds every template duration setting.
	MaxDuration = 365 * 24 * time.Hour
	// MinCleanupDuration: failure, dormancy and deletion timers are either
	// off (0) or at least this long, so a typo cannot delete workspaces
	// within seconds.
	MinCleanupDuration = time.Minute
	// DefaultActivityBump is a new template's activity bump.
	DefaultActivityBump = time.Hour
)

// schedule holds the settings create and update validate alike, in the
// units the database stores.
type schedule struct {
	defaultTTL, activityBump, failureTTL, timeTilDormant, timeTilDormantAutodelete time.Duration
	autostopDays                                                                   uint8
	autostopWeeks                                                                  int64
	autostartDays                                                                  uint8
	maxPortShareLevel                                                              codersdk.WorkspaceAgentPortShareLevel
	corsBehavior                                                                   codersdk.CORSBehavior
}

// checkMillis converts a millisecond setting, reporting negative or
// out-of-range values; cleanup timers must also be 0 or at least a minute.
func checkMillis(f *domain.Fields, field string, ms int64, cleanup bool) time.Duration {
	switch {
	case ms < 0:
		f.Check(field, "must not be negative")
	case ms > MaxDuration.Milliseconds():
		f.Check(field, fmt.Sprintf("must be at most %d (365 days)", MaxDuration.Milliseconds()))
	case cleanup && ms > 0 && ms < MinCleanupDuration.Milliseconds():
		f.Check(field, fmt.Sprintf("must be 0 (off) or at least %d (one minute)", MinCleanupDuration.Milliseconds()))
	default:
		return time.Duration(ms) * time.Millisecond
	}
	return 0
}

func checkWeekdays(f *domain.Fields, field string, days []string) uint8 {
	bitmap, err := codersdk.WeekdaysToBitmap(days)
	if err != nil {
		f.Check(field, err.Error()+" (use monday … sunday, each at most once)")
	}
	return bitmap
}

func (s *schedule) validate(f *domain.Fields) {
	if s.autostopWeeks < 0 || s.autostopWeeks > MaxAutostopRequirementWeeks {
		f.Check("autostop_requirement.weeks", fmt.Sprintf("must be between 0 and %d (0 and 1 mean every week)", MaxAutostopRequirementWeeks))
	}
	if !s.maxPortShareLevel.ValidMaxLevel() {
		f.Check("max_port_share_level", `must be "owner", "authenticated", "organization" or "public"`)
	}
	if s.corsBehavior != codersdk.CORSBehaviorSimple && s.corsBehavior != codersdk.CORSBehaviorPassthru {
		f.Check("cors_behavior", `must be "simple" or "passthru"`)
	}
}

func checkDisplay(f *domain.Fields, displayName, description string) {
	if len(displayName) > MaxDisplayNameLength {
		f.Check("display_name", fmt.Sprintf("must be at most %d characters", MaxDisplayNameLength))
	} else {
		f.Check("display_name", domain.DisplayNameValid(displayName))
	}
	if len([]rune(description)) > MaxDescriptionLength {
		f.Check("description", fmt.Sprintf("must be at most %d characters", MaxDescriptionLength))
	}
}

// nameTaken is the answer to a name another template of the organization
// has.
func nameTaken(name string) error {
	return &domain.Error{
		Kind: domain.KindConflict, Message: fmt.Sprintf("Template with name %q already exists in this organization.", name),
		Fields: []domain.FieldError{{Field: "name", Detail: "This value is already in use and should be unique."}},
	}
}

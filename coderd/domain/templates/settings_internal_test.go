package templates

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

func fieldNames(f domain.Fields) []string {
	var out []string
	for _, x := range f {
		out = append(out, x.Field)
	}
	return out
}

func TestCreateScheduleDefaultsAndLimits(t *testing.T) {
	t.Parallel()
	var f domain.Fields
	s := createSchedule(codersdk.CreateTemplateRequest{}, &f)
	assert.Empty(t, f)
	assert.Equal(t, DefaultActivityBump, s.activityBump)
	assert.Equal(t, int64(1), s.autostopWeeks)
	assert.Equal(t, uint8(0x7f), s.autostartDays, "autostart allowed every day")

	second, tooLong, negative := int64(1000), MaxDuration.Milliseconds()+1, int64(-1)
	f = nil
	createSchedule(codersdk.CreateTemplateRequest{
		FailureTTLMillis: &second, DefaultTTLMillis: &tooLong, ActivityBumpMillis: &negative,
		AutostopRequirement: &codersdk.TemplateAutostopRequirement{DaysOfWeek: []string{"someday"}, Weeks: MaxAutostopRequirementWeeks + 1},
	}, &f)
	assert.ElementsMatch(t, []string{"failure_ttl_ms", "default_ttl_ms", "activity_bump_ms",
		"autostop_requirement.days_of_week", "autostop_requirement.weeks"}, fieldNames(f))
}

func TestApplyMeta(t *testing.T) {
	t.Parallel()
	stored := storedMeta(database.Template{Name: "tpl", MaxPortSharingLevel: "owner", CorsBehavior: "simple", AutostopRequirementWeeks: 1})
	unchanged, f := applyMeta(stored, codersdk.UpdateTemplateMeta{})
	assert.Empty(t, f)
	assert.Equal(t, stored, unchanged, "an empty update changes nothing")

	hour := time.Hour.Milliseconds()
	name, level := "renamed", codersdk.WorkspaceAgentPortShareLevel("everyone")
	p, f := applyMeta(stored, codersdk.UpdateTemplateMeta{Name: name, DefaultTTLMillis: hour, MaxPortShareLevel: &level})
	assert.Equal(t, []string{"max_port_share_level"}, fieldNames(f))
	assert.Equal(t, name, p.Name)
	assert.Equal(t, int64(time.Hour), p.DefaultTtl)
}

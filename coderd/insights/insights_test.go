package insights

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database"
)

var t0 = time.Date(2026, time.August, 1, 0, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func TestUnionSecondsCountsOverlapsOnce(t *testing.T) {
	t.Parallel()
	assert.EqualValues(t, 0, unionSeconds(nil))
	// 0-2h and 1-3h overlap (3h), 5-6h apart (1h), 6-6.5h touches it (0.5h).
	assert.EqualValues(t, 4.5*3600, unionSeconds([]span{{at(5), at(6)}, {at(1), at(3)}, {at(0), at(2)}, {at(6), at(6.5)}}))
	// One span inside another.
	assert.EqualValues(t, 2*3600, unionSeconds([]span{{at(0), at(2)}, {at(0.5), at(1)}}))
}

func TestIntervalsCutTheLastAtEnd(t *testing.T) {
	t.Parallel()
	u1, u2, tpl := uuid.New(), uuid.New(), uuid.New()
	d := Data{
		Sessions: []database.GetInsightsSessionsRow{
			// Spans the first two days.
			{UserID: u1, TemplateID: tpl, Type: "ssh", ConnectTime: at(23), DisconnectTime: at(25)},
		},
		Stats: []database.GetInsightsAgentStatsRow{{UserID: u2, TemplateID: tpl, CreatedAt: at(24 * 2.5)}},
	}
	ivs := Intervals(d, t0, at(24*2.5+1), 24*time.Hour)
	require.Len(t, ivs, 3)
	assert.Equal(t, []int64{1, 1, 1}, []int64{ivs[0].ActiveUsers, ivs[1].ActiveUsers, ivs[2].ActiveUsers})
	assert.True(t, ivs[2].End.Equal(at(24*2.5+1)))
	assert.Empty(t, Intervals(d, t0, t0, time.Hour))
}

func TestTemplatesClipsSessionsToTheRange(t *testing.T) {
	t.Parallel()
	u, tpl := uuid.New(), uuid.New()
	d := Data{Sessions: []database.GetInsightsSessionsRow{
		{UserID: u, TemplateID: tpl, Type: "ssh", ConnectTime: at(-1), DisconnectTime: at(1)},
		{UserID: u, TemplateID: tpl, Type: "workspace_app", SlugOrPort: "code-server", ConnectTime: at(2), DisconnectTime: at(3)},
		{UserID: u, TemplateID: tpl, Type: "port_forwarding", SlugOrPort: "8080", ConnectTime: at(2), DisconnectTime: at(3)},
	}}
	rep := Templates(d, t0, at(24))
	assert.EqualValues(t, 1, rep.ActiveUsers)
	require.Len(t, rep.Apps, 5, "four built-ins and the app; ports are not apps")
	assert.Equal(t, "ssh", rep.Apps[3].Slug)
	assert.EqualValues(t, 3600, rep.Apps[3].Seconds)
	assert.Equal(t, "code-server", rep.Apps[4].Slug)
	assert.Equal(t, "code-server", rep.Apps[4].DisplayName, "the slug when the app is gone")
	assert.False(t, rep.Apps[4].Builtin)

	ssh := d.OfType("ssh")
	require.Len(t, ssh.Sessions, 1)
}

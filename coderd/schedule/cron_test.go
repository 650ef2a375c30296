package schedule_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/schedule"
)

func TestWeekly(t *testing.T) {
	t.Parallel()
	s, err := schedule.Weekly("CRON_TZ=Europe/Berlin 30 9 * * 1-5")
	require.NoError(t, err)
	assert.Equal(t, "CRON_TZ=Europe/Berlin 30 9 * * 1-5", s.String())
	assert.Equal(t, uint8(0b0011111), s.DaysOfWeek(), "Monday to Friday")

	// Across the spring DST change (2026-03-29, Berlin goes from UTC+1 to
	// UTC+2) the schedule stays at 09:30 local time.
	before := time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC) // Friday
	next := s.Next(before)
	assert.Equal(t, time.Date(2026, 3, 30, 7, 30, 0, 0, time.UTC), next.UTC(), "Monday 09:30 CEST is 07:30 UTC")
	friday := s.Next(time.Date(2026, 3, 26, 12, 0, 0, 0, time.UTC))
	assert.Equal(t, time.Date(2026, 3, 27, 8, 30, 0, 0, time.UTC), friday.UTC(), "Friday 09:30 CET is 08:30 UTC")

	utc, err := schedule.Weekly("0 9 * * *")
	require.NoError(t, err)
	assert.Equal(t, "CRON_TZ=UTC 0 9 * * *", utc.String())
	assert.Equal(t, uint8(0x7f), utc.DaysOfWeek())

	for _, bad := range []string{"", "0 9 * *", "0 9 1 * *", "0 9 * 1 *", "CRON_TZ=Nowhere/City 0 9 * * *", "CRON_TZ=UTC", "61 9 * * *"} {
		_, err := schedule.Weekly(bad)
		assert.Error(t, err, bad)
	}
}

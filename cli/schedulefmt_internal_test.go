package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

func TestParseStartSchedule(t *testing.T) {
	t.Setenv("TZ", "Europe/Berlin")
	for _, tc := range []struct {
		args []string
		want string
		err  string
	}{
		{args: []string{"9:30AM", "Mon-Fri", "Europe/Dublin"}, want: "CRON_TZ=Europe/Dublin 30 9 * * Mon-Fri"},
		{args: []string{"9:30pm"}, want: "CRON_TZ=Europe/Berlin 30 21 * * *"},
		{args: []string{"12:00am", "1,3,5"}, want: "CRON_TZ=Europe/Berlin 0 0 * * 1,3,5"},
		{args: []string{"12:15PM", "UTC"}, want: "CRON_TZ=UTC 15 12 * * *"},
		{args: []string{"23:59", "*", "America/New_York"}, want: "CRON_TZ=America/New_York 59 23 * * *"},
		{args: []string{"24:00"}, err: "invalid start time"},
		{args: []string{"13:00pm"}, err: "invalid start time"},
		{args: []string{"9"}, err: "invalid start time"},
		{args: []string{"9:00", "Mon-Fri", "Mars/Olympus"}, err: "unknown location"},
		{args: []string{"9:00", "Someday"}, err: "invalid day-of-week"},
		{args: nil, err: "expected <start-time>"},
	} {
		got, err := parseStartSchedule(tc.args)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.args)
			continue
		}
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.want, got, tc.args)
	}
}

func TestParseStopAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"3h2m": 3*time.Hour + 2*time.Minute, "2": 2 * time.Minute, "90m": 90 * time.Minute} {
		got, err := parseStopAfter(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"soon", "30s", "0", "-5"} {
		_, err := parseStopAfter(in)
		assert.Error(t, err, in)
	}
}

func TestHumanizeSchedule(t *testing.T) {
	assert.Equal(t, "9:30AM Mon-Fri (Europe/Dublin)", humanizeSchedule("CRON_TZ=Europe/Dublin 30 9 * * Mon-Fri"))
	assert.Equal(t, "6:05PM daily (UTC)", humanizeSchedule("5 18 * * *"))
	assert.Equal(t, "", humanizeSchedule("not a schedule"))
}

func TestDurationDisplay(t *testing.T) {
	assert.Equal(t, "45s", durationDisplay(45*time.Second))
	assert.Equal(t, "3m", durationDisplay(3*time.Minute+20*time.Second))
	assert.Equal(t, "8h", durationDisplay(8*time.Hour))
	assert.Equal(t, "1h30m", durationDisplay(90*time.Minute))
	assert.Equal(t, "2d4h", durationDisplay(52*time.Hour))
}

func TestParseLongDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "1y": 365 * 24 * time.Hour, "8h": 8 * time.Hour} {
		got, err := parseLongDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "d", "-1d", "soon", "0s"} {
		_, err := parseLongDuration(in)
		assert.Error(t, err, in)
	}
}

func TestRichParameterFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "params.yaml")
	require.NoError(t, os.WriteFile(path, []byte("region: eu\ncpu: 4\ndotfiles: true\nrepos:\n  - api\n  - web\n"), 0o600))
	got, err := parseRichParameterFile(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "4", "dotfiles": "true", "repos": `["api","web"]`}, got)

	require.NoError(t, os.WriteFile(path, []byte("- not a map\n"), 0o600))
	_, err = parseRichParameterFile(path)
	assert.ErrorContains(t, err, "expected a YAML map")
}

func TestListValue(t *testing.T) {
	assert.Equal(t, `["a","b"]`, listValue(" a, b ,"))
	assert.Equal(t, `[]`, listValue(""))
	assert.Equal(t, `["x y"]`, listValue(`["x y"]`))
}

func TestValidateParameterValue(t *testing.T) {
	minV, maxV := int32(1), int32(8)
	cpu := codersdk.TemplateVersionParameter{Name: "cpu", Type: "number", DefaultValue: "2", ValidationMin: &minV, ValidationMax: &maxV}
	assert.NoError(t, validateParameterValue(cpu, "8", nil))
	assert.ErrorContains(t, validateParameterValue(cpu, "9", nil), "more than the maximum 8")
	assert.ErrorContains(t, validateParameterValue(cpu, "many", nil), "number")

	region := codersdk.TemplateVersionParameter{Name: "region", Type: "string", Options: []codersdk.TemplateVersionParameterOption{{Name: "US", Value: "us"}}}
	assert.NoError(t, validateParameterValue(region, "us", nil))
	assert.ErrorContains(t, validateParameterValue(region, "mars", nil), "one of the options")

	unknown := unknownParameters([]codersdk.TemplateVersionParameter{cpu, region}, map[string]string{"cpu": "1", "colour": "red", "age": "1"})
	assert.Equal(t, []string{"age", "colour"}, unknown)
}

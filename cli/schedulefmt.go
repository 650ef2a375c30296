package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/schedule"
)

// parseStartSchedule turns Coder's human form of an autostart schedule,
// "<start-time> [day-of-week] [location]" (e.g. "9:30AM Mon-Fri
// Europe/Dublin"), into the cron string the API stores:
// "CRON_TZ=Europe/Dublin 30 9 * * Mon-Fri". The location defaults to the
// local time zone (TZ, else /etc/localtime).
func parseStartSchedule(args []string) (string, error) {
	if len(args) == 0 || len(args) > 3 {
		return "", xerrors.New("expected <start-time> [day-of-week] [location]")
	}
	hour, minute, err := parseClock(args[0])
	if err != nil {
		return "", err
	}
	dow := "*"
	loc := ""
	switch len(args) {
	case 2:
		// One extra argument: a location if it loads as one, else days.
		if strings.Contains(args[1], "/") || args[1] == "UTC" {
			loc = args[1]
		} else {
			dow = args[1]
		}
	case 3:
		dow, loc = args[1], args[2]
	}
	if loc == "" {
		loc = localTimezone()
	}
	if _, err := time.LoadLocation(loc); err != nil {
		return "", xerrors.Errorf("unknown location %q: use an IANA time zone such as Europe/Dublin", loc)
	}
	raw := fmt.Sprintf("CRON_TZ=%s %d %d * * %s", loc, minute, hour, dow)
	sched, err := schedule.Weekly(raw)
	if err != nil {
		return "", xerrors.Errorf("invalid day-of-week %q: %w", dow, err)
	}
	return sched.String(), nil
}

// parseClock reads hh:mm in 24-hour form or hh:mm{am|pm}.
func parseClock(s string) (hour, minute int, err error) {
	bad := xerrors.Errorf("invalid start time %q: use hh:mm (24-hour) or hh:mm{am|pm}", s)
	lower := strings.ToLower(strings.TrimSpace(s))
	suffix := ""
	for _, sfx := range []string{"am", "pm"} {
		if strings.HasSuffix(lower, sfx) {
			suffix, lower = sfx, strings.TrimSuffix(lower, sfx)
		}
	}
	h, m, ok := strings.Cut(lower, ":")
	if !ok || len(m) != 2 {
		return 0, 0, bad
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || minute < 0 || minute > 59 {
		return 0, 0, bad
	}
	switch suffix {
	case "":
		if hour < 0 || hour > 23 {
			return 0, 0, bad
		}
	default:
		if hour < 1 || hour > 12 {
			return 0, 0, bad
		}
		hour %= 12
		if suffix == "pm" {
			hour += 12
		}
	}
	return hour, minute, nil
}

// localTimezone is the IANA name of the machine's time zone: $TZ, else
// the zoneinfo file /etc/localtime links to, else UTC.
func localTimezone() string {
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	return "UTC"
}

// parseStopAfter reads a schedule stop duration: a Go duration ("3h2m")
// or a bare number of minutes ("2"), at least one minute.
func parseStopAfter(s string) (time.Duration, error) {
	var d time.Duration
	if n, err := strconv.Atoi(s); err == nil {
		d = time.Duration(n) * time.Minute
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, xerrors.Errorf("invalid duration %q: use e.g. 8h, 2h30m or 90 (minutes)", s)
	}
	if d < time.Minute {
		return 0, xerrors.Errorf("duration %q is too short: the minimum is 1 minute", s)
	}
	return d, nil
}

// humanizeSchedule renders a stored cron schedule the way Coder shows it:
// "9:30AM Mon-Fri (Europe/Dublin)", or "" when it is not a valid weekly
// schedule.
func humanizeSchedule(raw string) string {
	sched, err := schedule.Weekly(raw)
	if err != nil {
		return ""
	}
	// Canonical form: "CRON_TZ=<tz> <min> <hour> * * <dow>".
	fields := strings.Fields(sched.String())
	if len(fields) != 6 {
		return raw
	}
	minute, errM := strconv.Atoi(fields[1])
	hour, errH := strconv.Atoi(fields[2])
	clock := fields[2] + ":" + fields[1]
	if errM == nil && errH == nil {
		clock = time.Date(2000, 1, 1, hour, minute, 0, 0, time.UTC).Format("3:04PM")
	}
	days := fields[5]
	if days == "*" {
		days = "daily"
	}
	return fmt.Sprintf("%s %s (%s)", clock, days, sched.Location())
}

// durationDisplay is a short duration for tables: "45s", "3m", "2h",
// "1d4h", rounded down to the largest two units that matter.
func durationDisplay(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		days, h := int(d.Hours())/24, int(d.Hours())%24
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h)
	}
}

// timeDisplay is a point in time for tables, in the local zone.
func timeDisplay(t time.Time) string {
	return t.Local().Format("2006-01-02 15:04 MST")
}

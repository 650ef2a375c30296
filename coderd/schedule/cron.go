// Package schedule parses workspace autostart schedules.
//
// A schedule is a cron expression with a time zone, as Coder writes them:
//
//	CRON_TZ=Europe/Berlin 30 9 * * 1-5
//
// minute, hour and day-of-week only: day-of-month and month must be "*".
// Without CRON_TZ the schedule is in UTC.
package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"golang.org/x/xerrors"
)

// parser accepts the five standard fields; CRON_TZ is handled by the
// library.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Schedule is a parsed weekly schedule.
type Schedule struct {
	raw      string
	location *time.Location
	spec     *cron.SpecSchedule
}

// Weekly parses raw. The error says what is wrong, for a 400.
func Weekly(raw string) (*Schedule, error) {
	tz, expr := "UTC", strings.TrimSpace(raw)
	if strings.HasPrefix(expr, "CRON_TZ=") {
		head, rest, ok := strings.Cut(expr, " ")
		if !ok {
			return nil, xerrors.New("a schedule needs a cron expression after CRON_TZ")
		}
		tz, expr = strings.TrimPrefix(head, "CRON_TZ="), strings.TrimSpace(rest)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, xerrors.Errorf("unknown time zone %q", tz)
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, xerrors.Errorf("expected 5 cron fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	if fields[2] != "*" || fields[3] != "*" {
		return nil, xerrors.New("day-of-month and month must be \"*\": schedules are weekly")
	}
	sched, err := parser.Parse(fmt.Sprintf("CRON_TZ=%s %s", tz, expr))
	if err != nil {
		return nil, xerrors.Errorf("invalid cron expression: %w", err)
	}
	spec, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, xerrors.New("invalid cron expression")
	}
	return &Schedule{raw: fmt.Sprintf("CRON_TZ=%s %s", tz, strings.Join(fields, " ")), location: loc, spec: spec}, nil
}

// String is the schedule in canonical form, with CRON_TZ.
func (s *Schedule) String() string { return s.raw }

// Location is the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.location }

// Next is the first time the schedule fires after t.
func (s *Schedule) Next(t time.Time) time.Time { return s.spec.Next(t) }

// DaysOfWeek is the bitmap of days the schedule fires on, bit 0 Monday
// through bit 6 Sunday (the bitmaps templates use).
func (s *Schedule) DaysOfWeek() uint8 {
	var out uint8
	for d := time.Sunday; d <= time.Saturday; d++ {
		if s.spec.Dow&(1<<uint(d)) != 0 {
			out |= 1 << uint((int(d)+6)%7)
		}
	}
	return out
}

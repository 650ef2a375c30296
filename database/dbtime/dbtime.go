// Package dbtime gives timestamps as PostgreSQL stores them, so a value
// written and read back compares equal in Go.
package dbtime

import "time"

// Now is the current time in UTC at the microsecond precision of timestamptz.
func Now() time.Time { return Time(time.Now()) }

// Time rounds t to what timestamptz keeps.
func Time(t time.Time) time.Time { return t.UTC().Round(time.Microsecond) }

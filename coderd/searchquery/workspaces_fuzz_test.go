package searchquery_test

import (
	"testing"
	"time"

	"github.com/devplane/devplane/coderd/searchquery"
)

// FuzzWorkspaces: any query parses without panicking, and a query that
// parses cleanly yields no errors and vice versa.
func FuzzWorkspaces(f *testing.F) {
	for _, seed := range []string{"", "owner:me status:running", `name:"a b" template:x,y`, "has-agent:connecting dormant:true",
		"last_used_after:2024-01-02 shared_with_user:alice", `"unterminated`, "::", "status:bogus"} {
		f.Add(seed)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, q string) {
		filter, errs := searchquery.Workspaces(q, now)
		if len(errs) > 0 && (filter.Name != "" || filter.Owner != "" || len(filter.Statuses) > 0) {
			t.Fatalf("a failed parse returned a filter: %+v", filter)
		}
		for _, e := range errs {
			if e.Field == "" || e.Detail == "" {
				t.Fatalf("validation without field or detail: %+v", e)
			}
		}
	})
}

func TestWorkspaces(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f, errs := searchquery.Workspaces(`owner:me template:a,B status:running status:stopped dev has-agent:connecting dormant:false shared_with_user:bob last_used_after:2026-01-01`, now)
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %+v", errs)
	}
	if f.Owner != "me" || f.Name != "dev" || len(f.Templates) != 2 || f.Templates[1] != "b" || len(f.Statuses) != 2 ||
		f.HasAgent != "connecting" || f.Dormant == nil || *f.Dormant || f.SharedWithUser != "bob" || f.LastUsedAfter.IsZero() {
		t.Fatalf("unexpected filter: %+v", f)
	}
	for _, bad := range []string{"color:blue", "status:sleeping", "owner:a owner:b", "dormant:maybe", "has-agent:sleepy", "last_used_before:yesterday"} {
		if _, errs := searchquery.Workspaces(bad, now); len(errs) == 0 {
			t.Errorf("%q: expected a validation error", bad)
		}
	}
}

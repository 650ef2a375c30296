package searchquery_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/searchquery"
	"github.com/devplane/devplane/codersdk"
)

func TestAuditLogs(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	id, req := uuid.New(), uuid.New()

	f, errs := searchquery.AuditLogs("resource_type:Workspace resource_id:"+id.String()+
		` resource_target:"my dev" action:create username:alice email:a@example.com organization:acme`+
		" build_reason:autostart date_from:2024-03-01 date_to:2024-03-02 request_id:"+req.String(), now)
	require.Empty(t, errs)
	assert.Equal(t, searchquery.AuditFilter{
		ResourceType: "workspace", ResourceID: id, ResourceTarget: "my dev", Action: "create", Username: "alice",
		Email: "a@example.com", Organization: "acme", BuildReason: "autostart",
		DateFrom:  time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		DateTo:    time.Date(2024, 3, 3, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond),
		RequestID: req,
	}, f)

	// Unix seconds, as the old API's range_start and range_end, and RFC 3339.
	f, errs = searchquery.AuditLogs("date_from:1646092800 date_to:2022-03-08T00:00:00Z", now)
	require.Empty(t, errs)
	assert.Equal(t, time.Unix(1646092800, 0).UTC(), f.DateFrom)
	assert.Equal(t, time.Date(2022, 3, 8, 0, 0, 0, 0, time.UTC), f.DateTo)

	for q, field := range map[string]string{
		"colour:blue":                             "colour",
		"resource_type:spaceship":                 "resource_type",
		"action:explode":                          "action",
		"build_reason:boredom":                    "build_reason",
		"resource_id:x":                           "resource_id",
		"request_id:x":                            "request_id",
		"date_from:soon":                          "date_from",
		"date_to:2024-13-01":                      "date_to",
		"alice":                                   "q",
		"action:create action:write":              "action",
		"date_from:2024-03-02 date_to:2024-03-01": "date_to",
	} {
		f, errs := searchquery.AuditLogs(q, now)
		require.NotEmpty(t, errs, q)
		assert.Equal(t, field, errs[0].Field, q)
		assert.Equal(t, searchquery.AuditFilter{}, f, q)
	}
}

// The parser's lists and the SDK's enums must not drift apart.
func TestAuditEnumsMatchSDK(t *testing.T) {
	t.Parallel()
	for _, rt := range codersdk.ResourceTypes {
		assert.True(t, slices.Contains(searchquery.AuditResourceTypes, string(rt)), rt)
	}
	assert.Len(t, searchquery.AuditResourceTypes, len(codersdk.ResourceTypes))
	for _, a := range codersdk.AuditActions {
		assert.True(t, slices.Contains(searchquery.AuditActions, string(a)), a)
	}
	assert.Len(t, searchquery.AuditActions, len(codersdk.AuditActions))
}

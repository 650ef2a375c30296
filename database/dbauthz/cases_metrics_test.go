package dbauthz_test

import "github.com/devplane/devplane/rbac"

func init() {
	systemRead := func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} }
	cases["GetProvisionerJobQueueCounts"] = testCase{args: func(seed) []any { return nil }, checks: systemRead}
	cases["GetWorkspaceLatestBuildCounts"] = testCase{args: func(seed) []any { return nil }, checks: systemRead}
}

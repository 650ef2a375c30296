package coderd

import "github.com/devplane/devplane/coderd/convert"

// The converters live in package convert. These old names stay only for
// the handler files being rewritten in parallel (workspaces, builds,
// templates, versions, jobs), so that both changes merge without touching
// the same lines; once merged, replace each use with convert.X and delete
// this file:
//
//	sed -i -E 's/\bprovisionerJobStatus\(/convert.ProvisionerJobStatus(/g; s/\bjsonStringMap\(/convert.StringMap(/g;
//	  s/\bconvertProvisionerJobLog\b/convert.ProvisionerJobLog/g; s/\bconvertProvisionerJob\(/convert.ProvisionerJob(/g;
//	  s/\bconvertTemplateVersionParameter\b/convert.TemplateVersionParameter/g;
//	  s/\bconvertTemplateVersionVariable\b/convert.TemplateVersionVariable/g;
//	  s/\bconvertTemplateVersion\(/convert.TemplateVersion(/g; s/\bconvertTemplate\b/convert.Template/g;
//	  s/\bconvertPreset\b/convert.Preset/g; s/\bmatchDaemons\(/convert.MatchDaemons(/g;
//	  s/\bprovisionerDaemonStaleAfter\b/convert.ProvisionerDaemonStaleAfter/g' coderd/*.go
var (
	provisionerJobStatus            = convert.ProvisionerJobStatus
	jsonStringMap                   = convert.StringMap
	convertProvisionerJob           = convert.ProvisionerJob
	convertProvisionerJobLog        = convert.ProvisionerJobLog
	convertTemplate                 = convert.Template
	convertTemplateVersion          = convert.TemplateVersion
	convertTemplateVersionParameter = convert.TemplateVersionParameter
	convertTemplateVersionVariable  = convert.TemplateVersionVariable
	convertPreset                   = convert.Preset
	matchDaemons                    = convert.MatchDaemons
)

const provisionerDaemonStaleAfter = convert.ProvisionerDaemonStaleAfter

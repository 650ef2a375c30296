package dbauthz_test

var cases = mergeCases(identityCases, provisioningCases, workspaceCases, ssoCases)

// mergeCases joins the per-area case tables; a method in two tables is a
// mistake that would hide one of its cases.
func mergeCases(tables ...map[string]testCase) map[string]testCase {
	all := map[string]testCase{}
	for _, table := range tables {
		for name, tc := range table {
			if _, dup := all[name]; dup {
				panic("dbauthz test: two cases for " + name)
			}
			all[name] = tc
		}
	}
	return all
}

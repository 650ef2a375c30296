package searchquery

import (
	"fmt"
	"strconv"
	"strings"
)

// TemplatesFilter is the parsed q= of GET /templates. Zero values mean "no
// filter"; the caller resolves Organization and Author to IDs.
type TemplatesFilter struct {
	// FuzzyName matches name or display name, case-insensitively, as a
	// substring (free text and name:).
	FuzzyName string
	// ExactName matches the name exactly, case-insensitively.
	ExactName string
	// Organization is an organization ID or name.
	Organization string
	// Author is a username, a user ID or "me".
	Author string
	// Deprecated, when set, keeps only deprecated (true) or only usable
	// (false) templates.
	Deprecated *bool
}

var templateKeys = []string{"name", "exact_name", "organization", "author", "deprecated"}

// Templates parses the q= of GET /templates:
//
//	docker                 free text: part of the name or display name
//	name:docker            the same
//	exact_name:docker      the whole name
//	organization:acme      an organization name or ID
//	author:alice           a creator's username or ID, or me
//	deprecated:true        true or false
//
// Each key may be given once. Problems come back as ValidationErrors with
// the key (or "q") as Field.
func Templates(query string) (TemplatesFilter, []ValidationError) {
	terms, errs := Parse(query)
	var (
		f    TemplatesFilter
		free []string
		seen = map[string]bool{}
	)
	for _, t := range terms {
		if t.Key == "" {
			free = append(free, t.Value)
			continue
		}
		if seen[t.Key] {
			errs = appendOnce(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q may only be given once.", t.Key)})
			continue
		}
		seen[t.Key] = true
		switch t.Key {
		case "name":
			free = append(free, t.Value)
		case "exact_name":
			f.ExactName = t.Value
		case "organization":
			f.Organization = t.Value
		case "author":
			f.Author = t.Value
		case "deprecated":
			b, err := strconv.ParseBool(strings.ToLower(t.Value))
			if err != nil {
				errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q has invalid value %q: expected true or false.", t.Key, t.Value)})
				continue
			}
			f.Deprecated = &b
		default:
			errs = appendOnce(errs, ValidationError{
				Field:  t.Key,
				Detail: fmt.Sprintf("%q is not a valid search key; valid keys are %s.", t.Key, strings.Join(templateKeys, ", ")),
			})
		}
	}
	if len(errs) > 0 {
		return TemplatesFilter{}, errs
	}
	f.FuzzyName = strings.Join(free, " ")
	return f, nil
}

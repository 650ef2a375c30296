package httpapi

import (
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
)

// The name rules are the domain's; handlers reach them here too.
const (
	MaxNameLength        = domain.MaxNameLength
	MaxDisplayNameLength = domain.MaxDisplayNameLength
)

// NameValid explains why name is not a valid name, or returns "".
func NameValid(name string) string { return domain.NameValid(name) }

// DisplayNameValid explains why a free-form name is not valid, or returns "".
func DisplayNameValid(name string) string { return domain.DisplayNameValid(name) }

// EmailValid explains why email is not a plain address, or returns "".
func EmailValid(email string) string { return domain.EmailValid(email) }

// Validations collects per-field problems for one 400 answer.
type Validations []codersdk.ValidationError

// Check adds a validation for field when detail is not empty.
func (v *Validations) Check(field, detail string) {
	if detail != "" {
		*v = append(*v, codersdk.ValidationError{Field: field, Detail: detail})
	}
}

// Add appends the field problems a domain workflow found.
func (v *Validations) Add(fields []domain.FieldError) {
	for _, f := range fields {
		v.Check(f.Field, f.Detail)
	}
}

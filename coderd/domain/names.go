package domain

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// Names (usernames, organization and token names) are what URLs carry, so
// they are restricted to what needs no escaping: letters, digits, and single
// hyphens between them.
var nameRegex = regexp.MustCompile(`^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$`)

// MaxNameLength bounds usernames and other names.
const MaxNameLength = 32

// NameValid explains why name is not a valid name, or returns "".
func NameValid(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > MaxNameLength:
		return fmt.Sprintf("must be at most %d characters", MaxNameLength)
	case !nameRegex.MatchString(name):
		return "must be alphanumeric with single hyphens between characters (e.g. \"jane-doe\")"
	case name == "me" || name == "new" || name == "create":
		return fmt.Sprintf("%q is reserved", name)
	}
	return ""
}

// MaxDisplayNameLength bounds free-form display names.
const MaxDisplayNameLength = 128

// DisplayNameValid explains why a free-form name is not valid, or returns "".
func DisplayNameValid(name string) string {
	switch {
	case len(name) > MaxDisplayNameLength:
		return fmt.Sprintf("must be at most %d characters", MaxDisplayNameLength)
	case strings.TrimSpace(name) != name:
		return "must not start or end with white space"
	}
	return ""
}

// EmailValid explains why email is not a plain address, or returns "".
func EmailValid(email string) string {
	if email == "" {
		return "must not be empty"
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return "must be a plain email address like \"jane@example.com\""
	}
	return ""
}

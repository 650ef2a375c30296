// Package domain holds the workflows that HTTP handlers and background loops
// share (its subpackages: workspacebuild, lifecycle, ...) and the typed errors
// they return. Nothing here knows about HTTP: a handler decodes a request,
// calls a workflow and hands any error to httpapi.WriteError, which maps
// these kinds to status codes; a background loop logs them.
//
// Errors from the store pass through unchanged (wrapped with context): a
// missing row, a dbauthz refusal or a constraint violation is mapped by the
// same writer, so workflows only make errors for decisions of their own.
package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Kind says what sort of refusal an Error is; the HTTP layer maps each kind
// to one status.
type Kind int

const (
	// KindInvalid: the input is wrong; Fields say which parts (400).
	KindInvalid Kind = iota + 1
	// KindForbidden: the actor may see the thing but not do this (403).
	KindForbidden
	// KindNotFound: the thing does not exist or the actor may not see it;
	// the two are one answer so existence never leaks (404).
	KindNotFound
	// KindConflict: the state of things does not allow it now, e.g. a build
	// is already running or a name is taken (409).
	KindConflict
)

// FieldError names one bad part of the input, by its wire name.
type FieldError struct {
	Field  string
	Detail string
}

// Error is a refusal a workflow decided, with what to tell the caller.
type Error struct {
	Kind    Kind
	Message string
	Detail  string
	Fields  []FieldError
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Detail)
	}
	return b.String()
}

// Invalid refuses input; fields say which parts are wrong.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Message: message, Fields: fields}
}

// Forbidden refuses an action the actor may not take on something it sees.
func Forbidden(message, detail string) *Error {
	return &Error{Kind: KindForbidden, Message: message, Detail: detail}
}

// NotFound says the thing is not there (or not visible to the actor).
func NotFound(message string) *Error {
	return &Error{Kind: KindNotFound, Message: message}
}

// Conflict refuses an action the current state does not allow.
func Conflict(message, detail string) *Error {
	return &Error{Kind: KindConflict, Message: message, Detail: detail}
}

// As returns err's *Error, if it is or wraps one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is (or wraps) an Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// Fields collects per-field problems; its Err is nil while none were found,
// so a workflow checks everything and refuses once with all of them.
type Fields []FieldError

// Check adds a problem with field when detail is not empty.
func (f *Fields) Check(field, detail string) {
	if detail != "" {
		*f = append(*f, FieldError{Field: field, Detail: detail})
	}
}

// Err is an Invalid error with message and the collected fields, or nil.
func (f Fields) Err(message string) error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(message, f...)
}

package database

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// ViolationKind is the sort of integrity constraint a statement broke.
type ViolationKind string

const (
	ViolationUnique     ViolationKind = "unique"
	ViolationForeignKey ViolationKind = "foreign_key"
	ViolationCheck      ViolationKind = "check"
	ViolationNotNull    ViolationKind = "not_null"
)

// Violation says which constraint a statement broke, so the API can answer
// with the request field it is about instead of a 500.
type Violation struct {
	Kind       ViolationKind
	Constraint string
	Column     string
}

// AsViolation reports whether err is (or wraps) an integrity constraint
// violation, and which.
func AsViolation(err error) (Violation, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return Violation{}, false
	}
	kinds := map[string]ViolationKind{
		"23505": ViolationUnique, "23503": ViolationForeignKey, "23514": ViolationCheck, "23502": ViolationNotNull,
	}
	kind, ok := kinds[pgErr.Code]
	if !ok {
		return Violation{}, false
	}
	return Violation{Kind: kind, Constraint: pgErr.ConstraintName, Column: pgErr.ColumnName}, true
}

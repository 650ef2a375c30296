package httpapi

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// MaxPageLimit bounds one page so a single request cannot ask for millions
// of rows.
const MaxPageLimit = 1000

// Page is a parsed after_id/limit/offset. Limit 0 means no limit beyond
// MaxPageLimit.
type Page struct {
	AfterID uuid.UUID
	Limit   int32
	Offset  int32
}

// ParsePagination reads after_id, limit and offset, naming each bad one.
func ParsePagination(r *http.Request) (Page, []codersdk.ValidationError) {
	q := r.URL.Query()
	var (
		page Page
		errs []codersdk.ValidationError
	)
	if s := q.Get("after_id"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			errs = append(errs, codersdk.ValidationError{Field: "after_id", Detail: "must be a UUID"})
		}
		page.AfterID = id
	}
	number := func(field string, max int) int32 {
		s := q.Get(field)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > max {
			errs = append(errs, codersdk.ValidationError{Field: field, Detail: "must be a whole number from 0 to " + strconv.Itoa(max)})
			return 0
		}
		return int32(n)
	}
	page.Limit = number("limit", MaxPageLimit)
	page.Offset = number("offset", 1<<30)
	if page.Limit == 0 {
		page.Limit = MaxPageLimit
	}
	return page, errs
}

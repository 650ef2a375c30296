package codersdk

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
)

// Pagination selects one page of a list endpoint. The zero value asks for
// everything the server is willing to return in a single page.
//
// The fields travel as the query parameters after_id, limit and offset.
type Pagination struct {
	// AfterID returns the rows that sort after the row with this ID, up to
	// Limit of them. It is the cheaper alternative to Offset for walking a
	// long list: pass the last ID of the previous page.
	AfterID uuid.UUID `json:"after_id,omitempty" format:"uuid"`
	// Limit caps the number of rows returned. Zero or less means no limit.
	Limit int `json:"limit,omitempty"`
	// Offset skips this many rows before the page starts.
	Offset int `json:"offset,omitempty"`
}

// AsRequestOption adds the non-zero fields of p to a request's query.
func (p Pagination) AsRequestOption() RequestOption {
	return func(r *http.Request) {
		q := r.URL.Query()
		if p.AfterID != uuid.Nil {
			q.Set("after_id", p.AfterID.String())
		}
		if p.Limit > 0 {
			q.Set("limit", strconv.Itoa(p.Limit))
		}
		if p.Offset > 0 {
			q.Set("offset", strconv.Itoa(p.Offset))
		}
		r.URL.RawQuery = q.Encode()
	}
}

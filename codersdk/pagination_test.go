package codersdk_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

func TestPaginationQuery(t *testing.T) {
	t.Parallel()

	id := uuid.MustParse("497f6eca-6276-4993-bfeb-53cbbbba6f08")
	for _, tc := range []struct {
		name string
		page codersdk.Pagination
		want url.Values
	}{
		{name: "Zero", page: codersdk.Pagination{}, want: url.Values{}},
		{
			name: "All",
			page: codersdk.Pagination{AfterID: id, Limit: 25, Offset: 50},
			want: url.Values{"after_id": {id.String()}, "limit": {"25"}, "offset": {"50"}},
		},
		{
			name: "NegativeIgnored",
			page: codersdk.Pagination{Limit: -1, Offset: -3},
			want: url.Values{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodGet, "http://example.com/api/v2/users?q=alice", nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.page.AsRequestOption()(req)
			got := req.URL.Query()
			// The option must keep what was already there.
			if got.Get("q") != "alice" {
				t.Errorf("q = %q, want it kept", got.Get("q"))
			}
			got.Del("q")
			if got.Encode() != tc.want.Encode() {
				t.Errorf("query = %q, want %q", got.Encode(), tc.want.Encode())
			}
		})
	}
}

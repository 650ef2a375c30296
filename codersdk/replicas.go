package codersdk

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Replica is one live server process sharing the deployment's database.
type Replica struct {
	// ID is the replica's identity, kept across its restarts.
	ID uuid.UUID `json:"id" format:"uuid"`
	// Hostname is the host the replica runs on.
	Hostname string `json:"hostname"`
	// CreatedAt is when the replica first registered.
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	// RelayAddress is where other replicas reach this one to relay
	// connections.
	RelayAddress string `json:"relay_address"`
	// RegionID is the region the replica runs in.
	RegionID int32 `json:"region_id"`
	// Error says what is wrong with the replica; empty when all is well.
	Error string `json:"error"`
	// DatabaseLatency is the replica's round trip to the database, in
	// microseconds.
	DatabaseLatency int32 `json:"database_latency"`
}

// Replicas lists the live replicas (owners only).
func (c *Client) Replicas(ctx context.Context) ([]Replica, error) {
	res, err := c.Request(ctx, http.MethodGet, "/api/v2/replicas", nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, ReadBodyAsError(res)
	}
	var out []Replica
	return out, json.NewDecoder(res.Body).Decode(&out)
}

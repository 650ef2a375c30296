package convert

import (
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// Replica converts a replica registry row.
func Replica(r database.Replica) codersdk.Replica {
	return codersdk.Replica{
		ID:              r.ID,
		Hostname:        r.Hostname,
		CreatedAt:       r.CreatedAt,
		RelayAddress:    r.RelayAddress,
		RegionID:        r.RegionID,
		Error:           r.Error,
		DatabaseLatency: r.DatabaseLatency,
	}
}

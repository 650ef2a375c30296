package dbauthz

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// readCache remembers, for one request, which workspaces the actor may
// read, so the follow-up queries of a page (builds, resources, agents,
// apps) do not load and authorize the same workspaces again each.
type readCache struct {
	mu         sync.Mutex
	workspaces map[uuid.UUID]bool
}

type readCacheKey struct{}

// WithReadCache returns a context whose authorized workspace reads are
// remembered until it ends. Use it for one request of one actor only.
func WithReadCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, readCacheKey{}, &readCache{workspaces: map[uuid.UUID]bool{}})
}

func readCacheFrom(ctx context.Context) *readCache {
	c, _ := ctx.Value(readCacheKey{}).(*readCache)
	return c
}

func (c *readCache) add(ids ...uuid.UUID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.workspaces[id] = true
	}
}

// missing returns the ids not known to be readable.
func (c *readCache) missing(ids []uuid.UUID) []uuid.UUID {
	if c == nil {
		return ids
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := ids[:0:0]
	for _, id := range ids {
		if !c.workspaces[id] {
			out = append(out, id)
		}
	}
	return out
}

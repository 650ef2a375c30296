package pubsub_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database/pubsub"
)

// recordingPubsub keeps the listener subscribed last, to deliver by hand.
type recordingPubsub struct {
	event    string
	listener pubsub.Listener
}

func (*recordingPubsub) Publish(string, []byte) error { return nil }
func (*recordingPubsub) Close() error                 { return nil }
func (p *recordingPubsub) Subscribe(event string, l pubsub.Listener) (func(), error) {
	p.event, p.listener = event, l
	return func() {}, nil
}

func TestSubscribeWake(t *testing.T) {
	t.Parallel()
	ps := &recordingPubsub{}
	wake := make(chan struct{}, 1)
	_, err := pubsub.SubscribeWake(ps, "thing:1", wake, func(m []byte) bool { return string(m) != "other" })
	require.NoError(t, err)
	assert.Equal(t, "thing:1", ps.event)

	ps.listener(context.Background(), []byte("other"))
	assert.Empty(t, wake, "a message keep refuses wakes nobody")

	// Two messages before the reader wakes: one wake-up covers both, and
	// the second delivery does not block.
	ps.listener(context.Background(), []byte("a"))
	ps.listener(context.Background(), []byte("b"))
	assert.Len(t, wake, 1)
}

package pubsub

import "context"

// SubscribeWake subscribes to event and turns each message keep accepts
// (nil accepts all) into a wake-up on wake, a channel with a buffer of one:
// a wake-up already waiting covers the new one, so delivery never blocks.
// The woken reader re-reads whatever the event is about, which also covers
// the reconnect notice (messages may have been lost).
func SubscribeWake(ps Pubsub, event string, wake chan<- struct{}, keep func(message []byte) bool) (cancel func(), err error) {
	return ps.Subscribe(event, func(_ context.Context, message []byte) {
		if keep != nil && !keep(message) {
			return
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	})
}

package agentsdk_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// scriptedReader returns data in pieces of the sizes in script (capped by
// the caller's buffer), then the rest in full buffers, and records the
// buffer size of each call.
type scriptedReader struct {
	data   []byte
	script []int
	asked  []int
}

func (r *scriptedReader) Read(p []byte) (int, error) {
	r.asked = append(r.asked, len(p))
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(p)
	if len(r.script) > 0 {
		n = min(n, r.script[0])
		r.script = r.script[1:]
	}
	n = copy(p, r.data[:min(n, len(r.data))])
	r.data = r.data[n:]
	return n, nil
}

// writerOnly hides bytes.Buffer's ReadFrom, as a network connection's
// would be bypassed.
type writerOnly struct{ io.Writer }

func TestCopyGrowsItsBufferForBulkAndShrinksForTrickles(t *testing.T) {
	t.Parallel()
	data := make([]byte, 2<<20)
	_, _ = rand.NewChaCha8([32]byte{7}).Read(data)
	r := &scriptedReader{data: data, script: []int{
		10,                       // a keystroke: stays small
		agentsdk.SmallCopyBuffer, // fills the small buffer: grows
		agentsdk.LargeCopyBuffer, // bulk
		100,                      // a trickle again: shrinks
	}}
	var out bytes.Buffer
	n, err := agentsdk.Copy(writerOnly{&out}, r)
	require.NoError(t, err)
	assert.EqualValues(t, len(data), n)
	assert.True(t, bytes.Equal(data, out.Bytes()), "the copy differs from the source")
	require.GreaterOrEqual(t, len(r.asked), 5)
	assert.Equal(t, []int{
		agentsdk.SmallCopyBuffer, agentsdk.SmallCopyBuffer,
		agentsdk.LargeCopyBuffer, agentsdk.LargeCopyBuffer,
		agentsdk.SmallCopyBuffer,
	}, r.asked[:5])
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestCopyStopsAtAWriteError(t *testing.T) {
	t.Parallel()
	n, err := agentsdk.Copy(failingWriter{err: io.ErrClosedPipe}, bytes.NewReader([]byte("hello")))
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	assert.Zero(t, n)
}

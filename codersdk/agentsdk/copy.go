package agentsdk

import (
	"errors"
	"io"
	"sync"
)

// Copy buffer sizes: a stream starts with a small buffer and takes a large
// one while its reads fill the buffer.
const (
	SmallCopyBuffer = 32 << 10
	LargeCopyBuffer = 256 << 10
)

var largeCopyBuffers = sync.Pool{New: func() any {
	b := make([]byte, LargeCopyBuffer)
	return &b
}}

// Copy copies src to dst until EOF or an error, as io.Copy does, with a
// buffer sized to the traffic. A bulk transfer (reads fill the buffer)
// moves in 256 KiB pieces: fewer, larger tunnel frames, WebSocket messages
// and system calls on every hop, where io.Copy's 32 KiB costs a call per
// 32 KiB. A stream that trickles (a terminal, an idle connection) goes back
// to 32 KiB and returns the large buffer to a pool, so the many idle
// streams of a busy server hold no more than io.Copy's buffer each.
//
// It reads and writes through the buffer even when dst or src implements
// io.ReaderFrom or io.WriterTo: net.TCPConn's fall back to io.Copy's 32
// KiB buffer for anything but a socket.
func Copy(dst io.Writer, src io.Reader) (int64, error) {
	small := make([]byte, SmallCopyBuffer)
	buf := small
	var large *[]byte
	defer func() {
		if large != nil {
			largeCopyBuffers.Put(large)
		}
	}()
	var written int64
	for {
		nr, rerr := src.Read(buf)
		if nr > 0 {
			nw, werr := dst.Write(buf[:nr])
			if nw < 0 || nw > nr {
				nw = 0
				if werr == nil {
					werr = errors.New("invalid write result")
				}
			}
			written += int64(nw)
			if werr != nil {
				return written, werr
			}
			if nw != nr {
				return written, io.ErrShortWrite
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return written, nil
			}
			return written, rerr
		}
		switch {
		case large == nil && nr == len(buf):
			large = largeCopyBuffers.Get().(*[]byte) //nolint:forcetypeassert // the pool holds only these
			buf = *large
		case large != nil && nr < len(small):
			largeCopyBuffers.Put(large)
			large = nil
			buf = small
		}
	}
}

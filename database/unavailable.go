package database

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// IsUnavailable reports whether err means the database could not be reached
// or is going away (connection refused or reset, a failed connect or pool
// acquire, PostgreSQL shutting down or not yet accepting connections), as
// opposed to a query that ran and failed. Such a request may succeed when
// retried once the database is back, so the API answers 503, not 500.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception. 57P01 admin_shutdown, 57P02
		// crash_shutdown, 57P03 cannot_connect_now.
		switch {
		case strings.HasPrefix(pgErr.Code, "08"),
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03":
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	if errors.Is(err, puddle.ErrClosedPool) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	// A connection that died under a query: the server closed it (EOF) or
	// the network failed while reading or writing it.
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	return strings.Contains(err.Error(), "conn closed")
}

// IsUnstorableText reports whether PostgreSQL refused text it cannot store:
// a NUL byte (22P05 in jsonb, 22021 in text) or invalid UTF-8 (22021).
func IsUnstorableText(err error) bool {
	return isPGError(err, "22021") || isPGError(err, "22P05")
}

// IsDatabaseError reports whether err comes from PostgreSQL or the
// connection to it, whose text (SQL, SQLSTATE, host, user) is for the log,
// never for a client.
func IsDatabaseError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) || IsUnavailable(err)
}

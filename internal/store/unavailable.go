package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// lostDatabase reports whether err says the database went away under a
// statement, rather than refusing it: the server is shutting down or
// restarting, or the connection to it broke. A request that meets one of
// these is answered "unavailable, try again" like the requests that come
// after it, not blamed on holdspace or the person.
func lostDatabase(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// 57P01 admin_shutdown: the server is stopping or restarting;
		// 57P02 crash_shutdown: another backend crashed; 57P03
		// cannot_connect_now: starting up, shutting down or in recovery;
		// class 08: the connection itself failed.
		if pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || strings.HasPrefix(pg.Code, "08") {
			return true
		}
		// Any other SQLSTATE is the server answering about this statement.
		return false
	}
	var connect *pgconn.ConnectError
	var op *net.OpError
	switch {
	case errors.As(err, &connect),
		errors.As(err, &op),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	return false
}

package store_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// A use case that meets a database going away mid-transaction is told
// ErrUnavailable (the web answers 503, try again), whichever way the
// driver put it; a statement the server refused stays what it was.
func TestLostDatabaseInsideATransactionIsUnavailable(t *testing.T) {
	lost := map[string]error{
		"admin shutdown (57P01)":     &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"},
		"crash shutdown (57P02)":     &pgconn.PgError{Severity: "FATAL", Code: "57P02"},
		"cannot connect now (57P03)": &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is shutting down"},
		"connection failure (08006)": &pgconn.PgError{Code: "08006"},
		"connection exception (08000)": fmt.Errorf("listing clients: %w",
			&pgconn.PgError{Code: "08000"}),
		"unexpected EOF":       fmt.Errorf("reading the outbox: %w", io.ErrUnexpectedEOF),
		"conn closed":          fmt.Errorf("wrapped: %w", pgconn.ErrConnClosed),
		"bad connection":       driver.ErrBadConn,
		"connection done":      sql.ErrConnDone,
		"connection reset":     &net.OpError{Op: "read", Net: "unix", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
		"connection refused":   &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
		"bare ECONNRESET":      fmt.Errorf("write: %w", syscall.ECONNRESET),
		"broken pipe":          fmt.Errorf("write: %w", syscall.EPIPE),
		"use of closed socket": fmt.Errorf("read: %w", net.ErrClosed),
	}
	refused := map[string]error{
		"unique violation (23505)": &pgconn.PgError{Code: "23505"},
		"syntax error (42601)":     &pgconn.PgError{Code: "42601"},
		"serialization (40001)":    &pgconn.PgError{Code: "40001"},
		"no rows":                  sql.ErrNoRows,
		"a use case's own error":   errors.New("the booking was refused"),
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for name, cause := range lost {
			err := db.Write(ctx, func(*store.Tx) error { return cause })
			if !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, cause) {
				t.Errorf("%s: Write = %v; want ErrUnavailable wrapping the cause", name, err)
			}
			err = db.Read(ctx, func(*store.Tx) error { return cause })
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s: Read = %v; want ErrUnavailable", name, err)
			}
		}
		for name, cause := range refused {
			err := db.Write(ctx, func(*store.Tx) error { return cause })
			if errors.Is(err, store.ErrUnavailable) || !errors.Is(err, cause) {
				t.Errorf("%s: Write = %v; want the error itself", name, err)
			}
		}
	})
}

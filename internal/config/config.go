// Package config describes how a holdspace is set up: filled from flags and
// the environment in main, then passed down. Nothing reads the environment
// anywhere else.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server and the commands need to know.
type Config struct {
	Addr string
	// MetricsAddr, when set, serves /metrics without a token on an
	// address of its own, for a monitoring network.
	MetricsAddr     string
	DataDir         string
	DB              string // postgres://… ; empty means SQLite in DataDir
	KeyFile         string
	Demo            bool
	TLSCert         string
	TLSKey          string
	BaseURL         string
	ShutdownTimeout time.Duration
	LogLevel        string
	LogFormat       string
	SMTP            SMTP
	// TrustedProxies are reverse proxies whose X-Forwarded-For header
	// names the client's address.
	TrustedProxies []netip.Prefix
	trustedProxies string
}

// SMTP says where outgoing email goes. With no host, email stays queued in
// the outbox and the server says so at start.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// StartTLS is required unless the server is on loopback.
	StartTLS bool
}

// Getenv reads one environment variable; tests pass a map's lookup.
type Getenv func(string) string

// flagSpec is one flag and the environment variable behind it.
type flagSpec struct {
	name, env, usage string
}

// Flags binds the flags a command takes to c. Which groups a command
// takes is its own choice: database flags for every command that opens
// the database, server flags only for serve.
type Flags struct {
	fs     *flag.FlagSet
	c      *Config
	getenv Getenv
	envs   map[string]string // flag name → env var
	errs   []error
	// positional holds the arguments that are not flags, in order.
	positional []string
}

// Args returns the arguments that are not flags.
func (f *Flags) Args() []string { return f.positional }

// NewFlags starts a flag set for the command name.
func NewFlags(name string, c *Config, getenv Getenv) *Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &Flags{fs: fs, c: c, getenv: getenv, envs: map[string]string{}}
}

// FlagSet is the underlying set, for commands that add their own.
func (f *Flags) FlagSet() *flag.FlagSet { return f.fs }

func (f *Flags) str(p *string, s flagSpec, def string) {
	if v := f.getenv(s.env); v != "" {
		def = v
	}
	f.envs[s.name] = s.env
	f.fs.StringVar(p, s.name, def, s.usage+" (env "+s.env+")")
}

func (f *Flags) boolean(p *bool, s flagSpec, def bool) {
	if v := f.getenv(s.env); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: want true or false", s.env, v))
		}
		def = b
	}
	f.envs[s.name] = s.env
	f.fs.BoolVar(p, s.name, def, s.usage+" (env "+s.env+")")
}

func (f *Flags) duration(p *time.Duration, s flagSpec, def time.Duration) {
	if v := f.getenv(s.env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: want a duration such as 30s", s.env, v))
		}
		def = d
	}
	f.envs[s.name] = s.env
	f.fs.DurationVar(p, s.name, def, s.usage+" (env "+s.env+")")
}

func (f *Flags) integer(p *int, s flagSpec, def int) {
	if v := f.getenv(s.env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: want a whole number", s.env, v))
		}
		def = n
	}
	f.envs[s.name] = s.env
	f.fs.IntVar(p, s.name, def, s.usage+" (env "+s.env+")")
}

// Database adds the flags that say where the records are.
func (f *Flags) Database() *Flags {
	f.str(&f.c.DataDir, flagSpec{"data-dir", "HOLDSPACE_DATA_DIR", "folder for the SQLite database and the key file"}, "holdspace-data")
	f.str(&f.c.DB, flagSpec{"db", "HOLDSPACE_DB", "PostgreSQL URL (postgres://user:pass@host:5432/db); empty uses SQLite in --data-dir"}, "")
	return f
}

// Keys adds the key file flag (encryption at rest of process notes and
// signing of cookies).
func (f *Flags) Keys() *Flags {
	f.str(&f.c.KeyFile, flagSpec{"key-file", "HOLDSPACE_KEY_FILE", "file holding holdspace's secret key, created on first start; default DATA-DIR/holdspace.key"}, "")
	return f
}

// Server adds the flags of holdspace serve.
func (f *Flags) Server() *Flags {
	f.str(&f.c.Addr, flagSpec{"addr", "HOLDSPACE_ADDR", "address to listen on"}, "127.0.0.1:8080")
	f.str(&f.c.MetricsAddr, flagSpec{"metrics-addr", "HOLDSPACE_METRICS_ADDR", "address for /metrics without a token (e.g. 127.0.0.1:9090); without it, /metrics on --addr needs an API token with the metrics:read scope"}, "")
	f.boolean(&f.c.Demo, flagSpec{"demo", "HOLDSPACE_DEMO", "load the demo practice on first start when the database is empty"}, false)
	f.str(&f.c.TLSCert, flagSpec{"tls-cert", "HOLDSPACE_TLS_CERT", "TLS certificate file (PEM); with --tls-key serves HTTPS"}, "")
	f.str(&f.c.TLSKey, flagSpec{"tls-key", "HOLDSPACE_TLS_KEY", "TLS private key file (PEM)"}, "")
	f.str(&f.c.BaseURL, flagSpec{"base-url", "HOLDSPACE_BASE_URL", "public URL used in emailed links; default from --addr"}, "")
	f.duration(&f.c.ShutdownTimeout, flagSpec{"shutdown-timeout", "HOLDSPACE_SHUTDOWN_TIMEOUT", "how long in-flight requests may take to finish on SIGTERM"}, 20*time.Second)
	f.str(&f.c.trustedProxies, flagSpec{"trusted-proxies", "HOLDSPACE_TRUSTED_PROXIES", "reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the client"}, "")
	f.str(&f.c.LogLevel, flagSpec{"log-level", "HOLDSPACE_LOG_LEVEL", "debug, info, warn or error"}, "info")
	f.str(&f.c.LogFormat, flagSpec{"log-format", "HOLDSPACE_LOG_FORMAT", "text or json"}, "text")
	f.str(&f.c.SMTP.Host, flagSpec{"smtp-host", "HOLDSPACE_SMTP_HOST", "SMTP server for outgoing email; empty keeps email queued"}, "")
	f.integer(&f.c.SMTP.Port, flagSpec{"smtp-port", "HOLDSPACE_SMTP_PORT", "SMTP port"}, 587)
	f.str(&f.c.SMTP.Username, flagSpec{"smtp-username", "HOLDSPACE_SMTP_USERNAME", "SMTP user name"}, "")
	f.str(&f.c.SMTP.Password, flagSpec{"smtp-password", "HOLDSPACE_SMTP_PASSWORD", "SMTP password"}, "")
	f.str(&f.c.SMTP.From, flagSpec{"smtp-from", "HOLDSPACE_SMTP_FROM", "From address of holdspace's email"}, "holdspace@localhost")
	f.boolean(&f.c.SMTP.StartTLS, flagSpec{"smtp-starttls", "HOLDSPACE_SMTP_STARTTLS", "require STARTTLS (always on unless the SMTP host is loopback)"}, true)
	return f
}

// Parse parses args and checks the values together. Errors are one line
// that says what to fix.
func (f *Flags) Parse(args []string) error {
	f.fs.SetOutput(discard{})
	// Flags may come after the positional arguments too
	// (holdspace migrate status --db …), as people type them.
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%v (see holdspace %s -h)", err, f.fs.Name())
		}
		rest := f.fs.Args()
		if len(rest) == 0 {
			break
		}
		f.positional = append(f.positional, rest[0])
		args = rest[1:]
	}
	if len(f.errs) > 0 {
		return f.errs[0]
	}
	return f.c.check(f.fs)
}

func (c *Config) check(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.VisitAll(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["db"] && c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return errors.New("--db must be a PostgreSQL URL such as postgres://user:pass@host:5432/holdspace (or empty for SQLite)")
	}
	if set["addr"] {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("--addr %q must be host:port, e.g. 127.0.0.1:8080", c.Addr)
		}
		if c.MetricsAddr != "" {
			if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
				return fmt.Errorf("--metrics-addr %q must be host:port, e.g. 127.0.0.1:9090", c.MetricsAddr)
			}
			if c.MetricsAddr == c.Addr {
				return errors.New("--metrics-addr must differ from --addr: it is for a listener of its own")
			}
		}
		if (c.TLSCert == "") != (c.TLSKey == "") {
			return errors.New("--tls-cert and --tls-key go together: give both or neither")
		}
		for _, p := range []string{c.TLSCert, c.TLSKey} {
			if p != "" {
				if _, err := os.Stat(p); err != nil {
					return fmt.Errorf("cannot read %s: %v", p, err)
				}
			}
		}
		switch c.LogLevel {
		case "debug", "info", "warn", "error":
		default:
			return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
		}
		if c.LogFormat != "text" && c.LogFormat != "json" {
			return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
		}
		if c.ShutdownTimeout <= 0 {
			return errors.New("--shutdown-timeout must be positive")
		}
		if c.SMTP.Port <= 0 || c.SMTP.Port > 65535 {
			return fmt.Errorf("--smtp-port %d is not a port", c.SMTP.Port)
		}
		for _, p := range strings.Split(c.trustedProxies, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			prefix, err := netip.ParsePrefix(p)
			if err != nil {
				a, aerr := netip.ParseAddr(p)
				if aerr != nil {
					return fmt.Errorf("--trusted-proxies: %q is not an address or a range such as 10.0.0.0/8", p)
				}
				prefix = netip.PrefixFrom(a, a.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, prefix.Masked())
		}
	}
	if set["key-file"] && c.KeyFile == "" {
		c.KeyFile = filepath.Join(c.DataDir, "holdspace.key")
	}
	return nil
}

// Usage writes the command's flags with their environment variables.
func (f *Flags) Usage(w interface{ Write([]byte) (int, error) }, summary string) {
	fmt.Fprintf(w, "%s\n\nFlags (each may also be set by the environment variable named):\n", summary)
	f.fs.SetOutput(w)
	f.fs.PrintDefaults()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// PublicURL is where people reach this holdspace, for links in emails:
// --base-url, or else the listening address.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/") + "/"
	}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return scheme + "://" + c.Addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

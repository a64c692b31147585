package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"holdspace/internal/app"
	"holdspace/internal/config"
)

// SIGTERM (here: the serve context ending) lets a request in flight finish,
// stops the background workers, and returns without error.
func TestShutdownFinishesRequestsInFlightAndStopsWorkers(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, KeyFile: filepath.Join(dir, "k"), ShutdownTimeout: 10 * time.Second}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	started, release := make(chan struct{}), make(chan struct{})
	inner := a.Web.Handler()
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
			w.Write([]byte("finished"))
			return
		}
		inner.ServeHTTP(w, r)
	})
	var workerStopped atomic.Bool
	a.AddWorker(app.Worker{Name: "probe", Run: func(ctx context.Context) {
		<-ctx.Done()
		workerStopped.Store(true)
	}})
	ln, err := a.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	body := make(chan string, 1)
	go func() {
		res, err := http.Get(a.URL(ln) + "slow")
		if err != nil {
			body <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body <- string(b)
	}()
	<-started
	stop() // as on SIGTERM, with the request still running
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) while a request was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := http.Get(a.URL(ln) + "healthz"); err == nil {
		t.Error("a new request was accepted after shutdown began")
	}
	close(release)
	if got := <-body; got != "finished" {
		t.Fatalf("the request in flight got %q, want it finished", got)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if !workerStopped.Load() {
		t.Fatal("the worker was not stopped")
	}
}

// With --tls-cert and --tls-key holdspace serves HTTPS, marks its cookies
// Secure and sends HSTS.
func TestServesTLSWhenGivenACertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir)
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, KeyFile: filepath.Join(dir, "k"), ShutdownTimeout: 5 * time.Second,
		TLSCert: certFile, TLSKey: keyFile}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := a.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	defer func() { stop(); <-served }()
	if !strings.HasPrefix(a.URL(ln), "https://") {
		t.Fatalf("URL %s is not https", a.URL(ln))
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // our own test certificate
	res, err := client.Get(a.URL(ln) + "signin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.TLS == nil || res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no TLS or no HSTS header")
	}
	// Plain HTTP to the TLS address gets net/http's 400, never a page.
	if res, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP was served on the TLS address")
		}
	}
}

func writeSelfSigned(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// Every response carries the security headers, pages and errors alike.
func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, KeyFile: filepath.Join(dir, "k"), ShutdownTimeout: 5 * time.Second}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	h := a.Web.Handler()
	for _, path := range []string{"/signin", "/no-such-page", "/static/style.css", "/healthz", "/api/v1/me"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
			if hd.Get(name) != want {
				t.Errorf("%s: %s = %q, want %q", path, name, hd.Get(name), want)
			}
		}
		if len(hd.Get("X-Request-Id")) != 16 {
			t.Errorf("%s: no request id", path)
		}
	}
	// A state-changing request from another site is refused.
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader("email=a%40b.org&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", rec.Code)
	}
}

// Command holdspace runs a ketamine-assisted psychotherapy practice: the
// web server, and the commands that set it up, migrate, back up and restore.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it the module version or VCS revision is used.
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// env is what a command is given: where to write and how to read the
// environment. Commands read nothing global.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"serve":    {"Start the holdspace web server.", cmdServe},
		"migrate":  {"Apply database migrations (up) or list them (status).", cmdMigrate},
		"backup":   {"Write a consistent backup of the database to FILE, while the server runs.", cmdBackup},
		"restore":  {"Restore the database from a backup FILE (refuses to overwrite records without --force).", cmdRestore},
		"demo":     {"Fill an empty database with the demo practice.", cmdDemo},
		"version":  {"Print holdspace's version.", cmdVersion},
		"practice": {"Add a practice: practice add --name … --slug ….", cmdPractice},
		"user":     {"Add a staff member: user add --practice … --email … --role ….", cmdUser},
		"audit":    {"Check the audit trail's hash chains: audit verify.", cmdAudit},
		"token":    {"API tokens: token add --practice … --staff … --scopes …, token list, token revoke ID.", cmdToken},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, getenv, stdin, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "holdspace: unknown command %q (see holdspace help)\n", args[0])
		return 2
	}
	err := cmd.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "holdspace %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "holdspace %s: %v\n", args[0], err)
		return 1
	}
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ error }

func usage(w io.Writer) {
	fmt.Fprint(w, "holdspace runs a ketamine-assisted psychotherapy practice.\n\nUsage: holdspace COMMAND [flags]\n\nCommands:\n")
	names := make([]string, 0)
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands()[n].summary)
	}
	fmt.Fprint(w, "\nRun holdspace COMMAND -h for a command's flags and their environment variables.\n")
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

func cmdVersion(_ context.Context, e *env, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(e.stdout, "Usage: holdspace version\n\nPrints holdspace's version.")
		return nil
	}
	fmt.Fprintln(e.stdout, "holdspace", versionString())
	return nil
}

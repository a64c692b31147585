package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

func machine() Machine {
	return Machine{
		Cores:       runtime.NumCPU(),
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		MemoryBytes: memTotal(),
		GoVersion:   runtime.Version(),
		OS:          runtime.GOOS,
		Arch:        runtime.GOARCH,
	}
}

// memTotal reads the machine's memory from /proc/meminfo; 0 where there is
// none.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		var kb int64
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}

// cpuSample is the machine's CPU time, busy and in all, and this process's
// own, in the kernel's clock ticks. On a machine shared with others, what
// the machine was busy with beyond this process says whether the figures
// were measured alone.
type cpuSample struct {
	busy, total, self uint64
	ok                bool
}

// readCPU reads /proc; ok is false where there is none.
func readCPU() cpuSample {
	stat, err1 := os.ReadFile("/proc/stat")
	self, err2 := os.ReadFile("/proc/self/stat")
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	// cpu  user nice system idle iowait irq softirq steal guest guest_nice;
	// guest time is already inside user.
	line, _, _ := strings.Cut(string(stat), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuSample{}
	}
	var s cpuSample
	for i, v := range f[1:9] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cpuSample{}
		}
		s.total += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	// utime and stime are the 14th and 15th fields; the name before them
	// is in brackets and may hold spaces.
	i := strings.LastIndexByte(string(self), ')')
	pf := strings.Fields(string(self)[i+1:])
	if i < 0 || len(pf) < 13 {
		return cpuSample{}
	}
	ut, err1 := strconv.ParseUint(pf[11], 10, 64)
	st, err2 := strconv.ParseUint(pf[12], 10, 64)
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	s.self, s.ok = ut+st, true
	return s
}

// cpuShares are the shares of the whole machine's CPU that this process
// and all others used between a and b; -1 when they are not known.
func cpuShares(a, b cpuSample) (self, other float64) {
	if !a.ok || !b.ok || b.total <= a.total {
		return -1, -1
	}
	total := float64(b.total - a.total)
	self = float64(b.self-a.self) / total
	other = float64(b.busy-a.busy)/total - self
	return min(1, self), max(0, other)
}

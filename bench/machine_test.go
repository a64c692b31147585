package main

import (
	"os"
	"testing"
)

func TestCPUSharesSplitThisProcessFromOthers(t *testing.T) {
	a := cpuSample{busy: 1000, total: 5000, self: 200, ok: true}
	// 400 ticks of 1000 busy, 300 of them this process's.
	b := cpuSample{busy: 1400, total: 6000, self: 500, ok: true}
	self, other := cpuShares(a, b)
	if self != 0.3 || other < 0.0999 || other > 0.1001 {
		t.Errorf("self, other = %v, %v; want 0.3, 0.1", self, other)
	}
	if self, other := cpuShares(cpuSample{}, b); self != -1 || other != -1 {
		t.Errorf("with no first sample: %v, %v; want -1, -1 (unknown)", self, other)
	}
	if _, err := os.Stat("/proc/stat"); err == nil {
		if s := readCPU(); !s.ok || s.total == 0 || s.busy > s.total {
			t.Errorf("readCPU on a machine with /proc = %+v", s)
		}
	}
}

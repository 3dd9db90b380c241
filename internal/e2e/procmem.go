package e2e

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100
// on every Linux platform Go supports (the kernel exports no other value to
// user space), which spares a cgo call to sysconf.
const clockTicks = 100

// Usage is what a Sampler saw of the processes it watched.
type Usage struct {
	CLIKiB        int64   // peak resident set (VmHWM) of the CLI process
	ProviderKiB   int64   // peak VmHWM of the largest provider process
	ProviderProcs int     // provider processes started
	CLICPU        float64 // user+system CPU seconds of the CLI
	ProviderCPU   float64 // of all provider processes together
}

// Sampler polls /proc for the descendants of this process whose executable is
// the CLI or the provider, and keeps their peak memory and CPU time. A process
// that lives less than one interval can be missed; its last interval's CPU time
// is missed too.
type Sampler struct {
	cli, provider string
	interval      time.Duration

	stop chan struct{}
	done chan struct{}

	mu          sync.Mutex
	usage       Usage
	parent      map[int]int    // pid -> parent pid, of every live process
	seen        map[int]string // pid -> "cli", "provider" or "" (another process)
	providerCPU map[int]float64
	providerKiB map[int]int64
}

// StartSampler starts polling every interval until Stop.
func StartSampler(cliPath, providerPath string, interval time.Duration) *Sampler {
	s := &Sampler{
		cli: realPath(cliPath), provider: realPath(providerPath), interval: interval,
		stop: make(chan struct{}), done: make(chan struct{}),
		parent: map[int]int{}, seen: map[int]string{}, providerCPU: map[int]float64{}, providerKiB: map[int]int64{},
	}
	go s.loop()
	return s
}

// Stop takes a last sample and returns what was seen.
func (s *Sampler) Stop() Usage {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.usage
	u.ProviderProcs = len(s.providerKiB)
	for _, c := range s.providerCPU {
		u.ProviderCPU += c
	}
	for _, k := range s.providerKiB {
		u.ProviderKiB = max(u.ProviderKiB, k)
	}
	return u
}

func (s *Sampler) loop() {
	defer close(s.done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

func (s *Sampler) sample() {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	live := make(map[int]bool, len(entries))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		live[pid] = true
		if _, ok := s.parent[pid]; ok {
			continue
		}
		// A process's parent never changes but to init once its parent is
		// gone, which no longer matters then: read it once per pid.
		st, ok := readStat(pid)
		if ok {
			s.parent[pid] = st.ppid
		}
	}
	for pid := range s.parent {
		if !live[pid] {
			delete(s.parent, pid) // a recycled pid is read afresh
			delete(s.seen, pid)
		}
	}
	for pid := range live {
		if !descends(s.parent, pid, self) {
			continue
		}
		// A child is the CLI's image for a moment before its exec: classify
		// again until it is one of ours.
		role := s.seen[pid]
		if role == "" {
			switch realPath("/proc/" + strconv.Itoa(pid) + "/exe") {
			case s.cli:
				role = "cli"
			case s.provider:
				role = "provider"
			}
			s.seen[pid] = role
		}
		if role == "" {
			continue
		}
		st, ok := readStat(pid)
		if !ok {
			continue
		}
		if role == "cli" {
			s.usage.CLIKiB = max(s.usage.CLIKiB, vmHWM(pid))
			s.usage.CLICPU = max(s.usage.CLICPU, st.cpu)
		} else {
			s.providerKiB[pid] = max(s.providerKiB[pid], vmHWM(pid))
			s.providerCPU[pid] = max(s.providerCPU[pid], st.cpu)
		}
	}
}

type procStat struct {
	ppid int
	cpu  float64
}

// readStat parses /proc/<pid>/stat; the command name (field 2) may hold spaces
// and parentheses, so the fields are counted from its last ')'.
func readStat(pid int) (procStat, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	return parseStat(data)
}

func parseStat(data []byte) (procStat, bool) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 > len(data) {
		return procStat{}, false
	}
	f := strings.Fields(string(data[i+2:]))
	if len(f) < 13 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return procStat{}, false
	}
	return procStat{ppid: ppid, cpu: float64(utime+stime) / clockTicks}, true
}

func descends(parent map[int]int, pid, ancestor int) bool {
	for range 64 {
		p, ok := parent[pid]
		if !ok || p == 0 {
			return false
		}
		if p == ancestor {
			return true
		}
		pid = p
	}
	return false
}

// vmHWM is the peak resident set of pid in KiB (0 once it is gone).
func vmHWM(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPU is the CPU a measurement used a request, in µs: the whole machine's, the
// server process's and the bench's own. On a shared host a request's CPU is steadier
// than its rate, and machine CPU a request says how many requests two cores can carry;
// the machine's less the server's and the bench's is the store's (PostgreSQL) and
// whatever else the host ran.
type CPU struct {
	MachineUS float64 `json:"machine_us"`
	ServerUS  float64 `json:"server_us,omitempty"`
	BenchUS   float64 `json:"bench_us"`
}

// cpuMark is the CPU counters at one moment.
type cpuMark struct {
	machine, server, bench time.Duration
	ok                     bool
}

// userHZ is the unit of /proc's CPU counters: USER_HZ, 100 on every Linux the bench
// runs on (the kernel fixes it for /proc whatever its own tick).
const userHZ = 100

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / userHZ }

// markCPU reads the counters; serverPID 0 leaves the server's out (-target).
func markCPU(serverPID int) cpuMark {
	var m cpuMark
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return m
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return m
	}
	// user nice system idle iowait irq softirq: busy is all but idle and iowait;
	// steal (another guest's) is not this machine's work.
	for _, i := range []int{1, 2, 3, 6, 7} {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		m.machine += ticks(n)
	}
	if serverPID > 0 {
		m.server = processTicks(serverPID)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.bench = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	m.ok = true
	return m
}

// processTicks is the user and system CPU of process pid, from /proc/pid/stat.
func processTicks(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	_, rest, ok := strings.Cut(string(raw), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of the whole line
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return ticks(utime + stime)
}

// perRequest is the CPU used between m and end, a request of n; nil when /proc
// could not be read or nothing was done.
func (m cpuMark) perRequest(end cpuMark, n int) *CPU {
	if !m.ok || !end.ok || n == 0 {
		return nil
	}
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	return &CPU{MachineUS: us(end.machine - m.machine), ServerUS: us(end.server - m.server), BenchUS: us(end.bench - m.bench)}
}

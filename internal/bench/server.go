package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is the onedoor server the bench started, as its own process.
type server struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
	done chan error
}

// startServer runs the onedoor executable exe as the server on dsn, on a free
// loopback port, and waits until it answers.
func startServer(ctx context.Context, exe, dsn string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.CreateTemp("", "onedoor-bench-server-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "-addr", addr, "-db", dsn)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			s.stop()
			return nil, fmt.Errorf("the server exited (%v): %s", err, s.logTail())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("the server did not answer on %s: %s", addr, s.logTail())
		}
	}
}

func (s *server) logTail() string {
	raw, _ := os.ReadFile(s.log.Name())
	if len(raw) > 2000 {
		raw = raw[len(raw)-2000:]
	}
	return string(raw)
}

// stop asks the server to shut down (SIGTERM), and kills it if it has not within 30 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
	os.Remove(s.log.Name())
}

// rssSampler reads a process's resident memory from /proc four times a second and
// keeps the peak since the last reset. Without /proc (or for -target) it reads 0.
type rssSampler struct {
	pid  int
	mu   sync.Mutex
	peak int64 // kB
	quit chan struct{}
}

func newRSSSampler(pid int) *rssSampler {
	r := &rssSampler{pid: pid, quit: make(chan struct{})}
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			r.sample()
			select {
			case <-t.C:
			case <-r.quit:
				return
			}
		}
	}()
	return r
}

// procStatusKB reads one "Name:   1234 kB" line of /proc/pid/status.
func procStatusKB(pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func (r *rssSampler) sample() {
	kb := procStatusKB(r.pid, "VmRSS")
	r.mu.Lock()
	r.peak = max(r.peak, kb)
	r.mu.Unlock()
}

func (r *rssSampler) reset() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.peak = 0
	r.mu.Unlock()
	r.sample()
}

func (r *rssSampler) peakMB() float64 {
	if r == nil {
		return 0
	}
	r.sample()
	r.mu.Lock()
	defer r.mu.Unlock()
	return float64(r.peak) / 1024
}

// highWaterMB is the kernel's own peak of the process (VmHWM), over its whole life.
func (r *rssSampler) highWaterMB() float64 {
	if r == nil {
		return 0
	}
	return float64(procStatusKB(r.pid, "VmHWM")) / 1024
}

func (r *rssSampler) stop() {
	if r != nil {
		close(r.quit)
	}
}

// go-agent: one memberlist v0.2.2 node per process with the observation API of `gossip agent` (GET /v1/members,
// GET /v1/events as server-sent events), so the chaos runner watches Go and TS hosts through one client.
// SIGINT/SIGTERM leave the cluster gracefully; a closed stdin (the runner died) exits at once.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/memberlist"
)

func splitHostPort(flagName, value string) (string, int) {
	host, port, err := net.SplitHostPort(value)
	if err != nil {
		log.Fatalf("--%s %q: %v", flagName, value, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		log.Fatalf("--%s %q: bad port", flagName, value)
	}
	return host, n
}

func main() {
	name := flag.String("name", "", "unique node name")
	bind := flag.String("bind", "", "gossip ip:port")
	advertise := flag.String("advertise", "", "advertised ip:port (default: bind)")
	join := flag.String("join", "", "comma-separated seeds ip:port")
	httpAddr := flag.String("http", "", "HTTP API ip:port")
	verbose := flag.Bool("log", false, "memberlist's log on stderr")
	flag.Parse()
	if *name == "" || *bind == "" || *httpAddr == "" {
		log.Fatal("--name, --bind and --http are required")
	}

	cfg := memberlist.DefaultLANConfig()
	cfg.Name = *name
	cfg.BindAddr, cfg.BindPort = splitHostPort("bind", *bind)
	if *advertise != "" {
		cfg.AdvertiseAddr, cfg.AdvertisePort = splitHostPort("advertise", *advertise)
	}
	if !*verbose {
		cfg.LogOutput = io.Discard
	}
	m, err := memberlist.Create(cfg)
	if err != nil {
		log.Fatalf("memberlist: %v", err)
	}
	if err := checkLayout(m); err != nil {
		log.Fatalf("memberlist internals: %v", err)
	}

	feed := newFeed(500)
	go watch(m, feed, 50*time.Millisecond)

	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		log.Fatalf("http: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/members", func(w http.ResponseWriter, r *http.Request) { serveMembers(w, m) })
	mux.HandleFunc("/v1/events", func(w http.ResponseWriter, r *http.Request) { feed.serve(w, r) })
	go func() { _ = http.Serve(ln, mux) }()
	fmt.Printf("go-agent %s gossiping on %s:%d, HTTP on %s\n", *name, cfg.BindAddr, cfg.BindPort, ln.Addr())

	stop := make(chan string, 2)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop <- "stdin closed"
	}()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() { stop <- (<-sigs).String() }()

	if *join != "" {
		go joinWithRetry(m, strings.Split(*join, ","))
	}

	if why := <-stop; why != "stdin closed" {
		_ = m.Leave(3 * time.Second)
	}
	_ = m.Shutdown()
}

// joinWithRetry keeps trying the seeds with a capped backoff (1 s doubling to 30 s), as `gossip agent` does.
func joinWithRetry(m *memberlist.Memberlist, seeds []string) {
	delay := time.Second
	for {
		if _, err := m.Join(seeds); err == nil {
			return
		}
		time.Sleep(delay)
		if delay *= 2; delay > 30*time.Second {
			delay = 30 * time.Second
		}
	}
}

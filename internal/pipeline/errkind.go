package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/bantrack/bantrack/crawler"
	"github.com/bantrack/bantrack/index"
	"github.com/bantrack/bantrack/state"
)

// ErrorKind names the kind of a crawl or fetch error, a label of low cardinality for metrics:
// http_4xx, http_5xx, timeout, dns, network, too_large, robots, host_not_allowed, redirects,
// anti_bot, layout, store, interrupted or other; "" for nil.
func ErrorKind(err error) string {
	var se *crawler.StatusError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &se):
		return fmt.Sprintf("http_%dxx", se.Code/100)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &dnsErr):
		return "dns"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &netErr):
		return "network"
	case errors.Is(err, crawler.ErrTooLarge):
		return "too_large"
	case errors.Is(err, crawler.ErrRobots):
		return "robots"
	case errors.Is(err, crawler.ErrHostNotAllowed):
		return "host_not_allowed"
	case errors.Is(err, crawler.ErrTooManyHops):
		return "redirects"
	case errors.Is(err, crawler.ErrAntiBot):
		return "anti_bot"
	case errors.Is(err, crawler.ErrLayoutChanged), errors.Is(err, crawler.ErrNothingListed):
		return "layout"
	case errors.Is(err, index.ErrLocked), errors.Is(err, state.ErrBusy):
		return "store"
	}
	return "other"
}

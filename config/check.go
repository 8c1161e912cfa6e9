package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
)

// The checks below judge single values. Parse calls them while walking the file (so each problem
// gets its line) and Validate calls them on a Config built in code.

var (
	nameRE    = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	attrRE    = regexp.MustCompile(`^[A-Za-z_:][-A-Za-z0-9_:.]*$`)
	envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

var (
	kinds = []string{KindFeed, KindSitemap, KindHTML}
	langs = []string{"en", "zh", "auto"}
	tlses = []string{TLSStartTLS, TLSImplicit, TLSNone}
)

func checkName(s string) error {
	if !nameRE.MatchString(s) {
		return fmt.Errorf("name %q may hold only letters, digits and '-'", s)
	}
	return nil
}

// checkOneOf reports a value outside the allowed set, suggesting the closest one.
func checkOneOf(what, s string, allowed []string) error {
	for _, a := range allowed {
		if s == a {
			return nil
		}
	}
	msg := fmt.Sprintf("%s %q is not one of %s", what, s, strings.Join(allowed, ", "))
	if near := closest(strings.ToLower(s), allowed); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return errors.New(msg)
}

// checkKind is checkOneOf for kinds, pointing the names of feed formats to kind feed.
func checkKind(s string) error {
	switch strings.ToLower(s) {
	case "rss", "atom", "json", "jsonfeed", "json-feed", "rdf":
		return fmt.Errorf("kind %q is not one of %s; %s is kind feed", s, strings.Join(kinds, ", "), s)
	}
	return checkOneOf("kind", s, kinds)
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("url %q does not parse: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("url %q is not an absolute http or https URL", s)
	}
	return nil
}

func loadLocation(s string) (*time.Location, error) {
	if s == "Local" {
		return nil, fmt.Errorf("timezone %q depends on the machine; use an IANA name such as Asia/Shanghai", s)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("unknown timezone %q (want an IANA name such as Asia/Shanghai or UTC)", s)
	}
	return loc, nil
}

// checkSchedule accepts what robfig/cron's standard parser accepts (five fields, descriptors such
// as @daily and @every 2h, an optional CRON_TZ= or TZ= prefix), if the schedule ever fires.
func checkSchedule(s string) error {
	spec := strings.TrimSpace(s)
	if spec == "" {
		return errors.New("schedule is empty")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		// the cron parser indexes the space after the zone without checking it is there
		if !strings.Contains(spec, " ") {
			return fmt.Errorf("schedule %q has a time zone but no schedule after it", s)
		}
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("schedule %q does not parse: %v", s, err)
	}
	if _, ok := sched.(cron.ConstantDelaySchedule); ok {
		_, rest, _ := strings.Cut(spec, "@every")
		if v, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && v < time.Second {
			return fmt.Errorf("schedule %q: @every needs at least 1s", s)
		}
		return nil
	}
	ref := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if sched.Next(ref).IsZero() {
		return fmt.Errorf("schedule %q never fires", s)
	}
	return nil
}

// checkSelector checks a CSS selector, with an optional trailing @attr when withAttr is set.
func checkSelector(s string, withAttr bool) error {
	css, attr := s, ""
	if withAttr {
		css, attr = SplitSelector(s)
		if strings.Contains(s, "@") && !attrRE.MatchString(attr) {
			return fmt.Errorf("selector %q: %q after @ is not an attribute name", s, attr)
		}
	} else if strings.Contains(s, "@") {
		return fmt.Errorf("selector %q: @attr is not allowed here", s)
	}
	if css == "" {
		return fmt.Errorf("selector %q has no CSS part before @", s)
	}
	if _, err := cascadia.ParseGroup(css); err != nil {
		return fmt.Errorf("selector %q does not parse: %v", css, err)
	}
	return nil
}

func checkJSONPath(s string) error {
	for _, seg := range strings.Split(s, ".") {
		if seg == "" {
			return fmt.Errorf("json path %q has an empty segment (want dotted keys, e.g. data.html)", s)
		}
		if strings.ContainsAny(seg, " \t\r\n") {
			return fmt.Errorf("json path %q: segment %q contains white space", s, seg)
		}
	}
	return nil
}

// checkPageURL checks a listing-page pattern: an absolute or relative URL holding {page}.
func checkPageURL(s string) error {
	if !strings.Contains(s, "{page}") {
		return fmt.Errorf("page_url %q has no {page} for the page number (e.g. index_{page}.htm)", s)
	}
	if _, err := url.Parse(strings.ReplaceAll(s, "{page}", "2")); err != nil {
		return fmt.Errorf("page_url %q: %w", s, err)
	}
	return nil
}

// checkDateFormat checks a Go time layout: it must contain at least one layout element and
// read back what it writes.
func checkDateFormat(s string) error {
	// any time but the reference one, so that each layout element writes something else
	ref := time.Date(1999, 12, 31, 23, 58, 59, 0, time.FixedZone("XST", -3*3600))
	out := ref.Format(s)
	if out == s {
		return fmt.Errorf("date_format %q holds no Go layout elements (write the reference date, e.g. 2006-01-02)", s)
	}
	if _, err := time.Parse(s, out); err != nil {
		return fmt.Errorf("date_format %q cannot read back its own output: %v", s, err)
	}
	return nil
}

// checkHost checks a host name with an optional port, as allow_hosts holds them.
func checkHost(s string) error {
	if s == "" || strings.ContainsAny(s, "/?#@ \t") {
		return fmt.Errorf("host %q is not a host name (no scheme, path or spaces)", s)
	}
	u, err := url.Parse("http://" + s)
	if err != nil || u.Host != s || u.Hostname() == "" {
		return fmt.Errorf("host %q is not a host name", s)
	}
	return nil
}

func checkHeader(name, value string) error {
	if name == "" {
		return errors.New("header name is empty")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return fmt.Errorf("header name %q contains %q", name, r)
		}
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("header %q: value contains a line break or NUL", name)
	}
	return nil
}

func checkAddress(s string) error {
	if _, err := mail.ParseAddress(s); err != nil {
		return fmt.Errorf("address %q does not parse: %v", s, err)
	}
	return nil
}

func checkEnvName(s string) error {
	if !envNameRE.MatchString(s) {
		return fmt.Errorf("%q is not an environment variable name", s)
	}
	return nil
}

func checkUserAgent(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("user_agent is empty")
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		return errors.New("user_agent contains a line break or NUL")
	}
	return nil
}

func checkSMTPHost(s string) error {
	if strings.ContainsAny(s, "/: \t") {
		return fmt.Errorf("host %q must be a bare host name (set the port with port)", s)
	}
	return nil
}

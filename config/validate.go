package config

import (
	"fmt"
	"strings"
)

// Validate checks a Config built or changed in code with the same rules Parse applies to a file.
// Problems carry the field's path but no line. Parse has already validated what it returns.
func (c *Config) Validate() error {
	var errs []*Error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, &Error{File: c.Path, Field: field, Msg: err.Error()})
		}
	}
	addf := func(field, format string, args ...any) {
		add(field, fmt.Errorf(format, args...))
	}
	if c.UserAgent != "" {
		add("user_agent", checkUserAgent(c.UserAgent))
	}
	if len(c.Sources) == 0 {
		addf("sources", "at least one source is required")
	}
	seen := map[string]int{}
	for i, s := range c.Sources {
		path := fmt.Sprintf("sources[%d]", i)
		f := func(name string) string { return path + "." + name }
		for _, r := range []struct{ name, value string }{{"name", s.Name}, {"kind", s.Kind}, {"url", s.URL}} {
			if r.value == "" {
				addf(f(r.name), "missing (required)")
			}
		}
		if s.Name != "" {
			add(f("name"), checkName(s.Name))
			if first, dup := seen[s.Name]; dup {
				addf(f("name"), "name %q is used twice (first in sources[%d])", s.Name, first)
			} else {
				seen[s.Name] = i
			}
		}
		if s.Kind != "" {
			add(f("kind"), checkKind(s.Kind))
		}
		if s.URL != "" {
			add(f("url"), checkURL(s.URL))
		}
		add(f("lang"), checkOneOf("lang", s.Lang, langs))
		add(f("schedule"), checkSchedule(s.Schedule))
		if !(s.Rate > 0) {
			addf(f("rate"), "rate %v must be greater than 0 (requests per second per host)", s.Rate)
		}
		if s.Timeout <= 0 {
			addf(f("timeout"), "duration %s must be greater than 0", s.Timeout)
		}
		if s.MaxBody <= 0 {
			addf(f("max_body"), "max_body must be greater than 0")
		}
		if s.Retries < 0 {
			addf(f("retries"), "retries %d must not be negative", s.Retries)
		}
		if s.Kind == KindHTML {
			if s.List.Item == "" {
				addf(f("list.item"), "missing: kind html needs a selector for the listing's items")
			}
			if s.List.Link == "" {
				addf(f("list.link"), "missing: kind html needs a selector for each item's link")
			}
		}
		if s.List.MaxPages < 1 {
			addf(f("list.max_pages"), "max_pages %d must be at least 1", s.List.MaxPages)
		}
		for _, sel := range []struct {
			field, value string
			withAttr     bool
		}{
			{"list.item", s.List.Item, false}, {"list.link", s.List.Link, true},
			{"list.title", s.List.Title, true}, {"list.date", s.List.Date, true},
			{"list.summary", s.List.Summary, true}, {"list.next", s.List.Next, true},
			{"article.content", s.Article.Content, false}, {"article.title", s.Article.Title, true},
			{"article.date", s.Article.Date, true},
		} {
			if sel.value != "" {
				add(f(sel.field), checkSelector(sel.value, sel.withAttr))
			}
		}
		if s.List.DateFormat != "" {
			add(f("list.date_format"), checkDateFormat(s.List.DateFormat))
		}
		if s.List.JSON != "" {
			add(f("list.json"), checkJSONPath(s.List.JSON))
		}
		for j, w := range s.Filter {
			if strings.TrimSpace(w) == "" {
				addf(fmt.Sprintf("%s[%d]", f("filter.any"), j), "empty filter word")
			}
		}
		for j, h := range s.AllowHosts {
			add(fmt.Sprintf("%s[%d]", f("allow_hosts"), j), checkHost(h))
		}
		for k, v := range s.Headers {
			add(fmt.Sprintf("%s[%q]", f("headers"), k), checkHeader(k, v))
		}
	}
	d := c.Digest
	add("digest.schedule", checkSchedule(d.Schedule))
	if d.From != "" {
		add("digest.from", checkAddress(d.From))
	}
	for i, to := range d.To {
		add(fmt.Sprintf("digest.to[%d]", i), checkAddress(to))
	}
	if d.MinScore < 0 || d.MinScore > 1 || d.MinScore != d.MinScore {
		addf("digest.min_score", "min_score %v is outside 0 to 1", d.MinScore)
	}
	if d.SMTP.Host != "" {
		add("digest.smtp.host", checkSMTPHost(d.SMTP.Host))
	}
	if d.SMTP.Port < 1 || d.SMTP.Port > 65535 {
		addf("digest.smtp.port", "port %d is outside 1 to 65535", d.SMTP.Port)
	}
	add("digest.smtp.tls", checkOneOf("tls", d.SMTP.TLS, tlses))
	if d.SMTP.PasswordEnv != "" {
		add("digest.smtp.password_env", checkEnvName(d.SMTP.PasswordEnv))
	}
	if d.SMTP.Timeout <= 0 {
		addf("digest.smtp.timeout", "duration %s must be greater than 0", d.SMTP.Timeout)
	}
	return joinErrors(errs)
}

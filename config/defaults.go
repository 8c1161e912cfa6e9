package config

import "time"

// Built-in defaults, used where neither a source nor the file's defaults section sets a field.
const (
	DefaultUserAgent      = "bantrack/1.0 (+https://github.com/bantrack/bantrack)"
	DefaultSchedule       = "@every 2h"
	DefaultRate           = 1.0 // requests per second per host
	DefaultTimeout        = 30 * time.Second
	DefaultMaxBody        = 10 << 20 // 10MiB
	DefaultRetries        = 3
	DefaultLang           = "auto"
	DefaultMaxPages       = 1
	DefaultDigestSchedule = "0 8 * * *"
	DefaultMinScore       = 0.5
	DefaultSMTPPort       = 587
	DefaultSMTPTLS        = TLSStartTLS
	DefaultSMTPTimeout    = 30 * time.Second
)

// SMTP.TLS modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption; for local relays and tests
)

// DefaultSource returns a source with only the built-in defaults set: no name, kind or URL.
func DefaultSource() Source {
	return Source{
		Lang:          DefaultLang,
		Timezone:      time.UTC,
		Schedule:      DefaultSchedule,
		Rate:          DefaultRate,
		Timeout:       DefaultTimeout,
		MaxBody:       DefaultMaxBody,
		Retries:       DefaultRetries,
		Robots:        true,
		FetchArticles: true,
		List:          List{MaxPages: DefaultMaxPages},
	}
}

// DefaultDigest returns the digest settings used where the file sets none.
func DefaultDigest() Digest {
	return Digest{
		Schedule:       DefaultDigestSchedule,
		OnlyBanRelated: true,
		MinScore:       DefaultMinScore,
		SMTP: SMTP{
			Port:    DefaultSMTPPort,
			TLS:     DefaultSMTPTLS,
			Timeout: DefaultSMTPTimeout,
		},
	}
}

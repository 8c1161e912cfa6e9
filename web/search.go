package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// apiSearch answers /api/search with the `search --json` object.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.Query(), defaultPageLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.search(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // the content type is JSON; nothing sniffs it as HTML (nosniff)
	enc.Encode(v)            //nolint:errcheck // the client went away
}

// searchPage is the data of the search page.
type searchPage struct {
	Title    string
	Form     Query
	Until    string // the until bound as the form shows it
	Since    string
	Results  *Results
	Latest   bool // no search given: the newest documents are shown
	Error    string
	Facets   []facetGroup
	From, To int    // the hits shown, counted from 1
	Prev     string // links to the previous and next pages, empty when there are none
	Next     string
	Feed     string // this search's Atom feed
	APIURL   string // this search's JSON
	Filters  []activeFilter
}

type facetGroup struct {
	Name, Label string
	Values      []facetValue
}

type facetValue struct {
	Value  string
	Count  int
	Link   string
	Active bool
}

// activeFilter is a filter in force, with the link that removes it.
type activeFilter struct {
	Label, Value, Remove string
}

// facetParams maps a facet to the filter parameter that narrows to one of its values.
var facetParams = []struct{ facet, param, label string }{
	{"vendors", "vendor", "Vendors 厂商"},
	{"agencies", "agency", "Agencies 机构"},
	{"countries", "country", "Countries 国家"},
	{"sources", "source", "Sources 来源"},
	{"actions", "", "Actions 措施"},
	{"lang", "lang", "Language 语言"},
}

// facetLimit is how many values of each facet the page lists.
const facetLimit = 12

// searchPage answers / and /search: the form, and the hits when a search or filter is given
// (the newest documents otherwise).
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	page := searchPage{Title: "bantrack"}
	q, err := parseQuery(r.URL.Query(), defaultPageLimit)
	if err != nil {
		page.Error = err.Error()
		page.Form = formQuery(r.URL.Query())
		page.Since, page.Until = r.URL.Query().Get("since"), r.URL.Query().Get("until")
		s.render(w, r, statusOf(err), "search", page)
		return
	}
	page.Form = q
	page.Since, page.Until = boundText(q)
	if q.Empty() {
		page.Latest = true
		q.Sort = "date"
	} else {
		page.Title = q.Text + " - bantrack"
		if q.Text == "" {
			page.Title = "search - bantrack"
		}
	}
	res, err := s.search(r.Context(), q)
	if err != nil {
		code := statusOf(err)
		if code == http.StatusInternalServerError {
			s.log.Error("search", "path", r.URL.Path, "error", err)
			page.Error = "the search failed: the server log says more"
		} else {
			page.Error = err.Error()
		}
		s.render(w, r, code, "search", page)
		return
	}
	page.Results = res
	if len(res.Hits) > 0 {
		page.From, page.To = q.Offset+1, q.Offset+len(res.Hits)
	}
	base := q.values(false)
	if q.Offset > 0 {
		page.Prev = pageLink(base, max(q.Offset-q.Limit, 0), q.Limit)
	}
	if uint64(q.Offset+len(res.Hits)) < res.Total && q.Offset+q.Limit <= MaxOffset {
		page.Next = pageLink(base, q.Offset+q.Limit, q.Limit)
	}
	feed := q.values(false)
	feed.Del("sort")
	page.Feed = "/feeds/search.atom" + encode(feed)
	page.APIURL = "/api/search" + encode(q.values(true))
	page.Facets = facetGroups(base, res.Facets)
	page.Filters = activeFilters(base)
	s.render(w, r, http.StatusOK, "search", page)
}

func encode(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func pageLink(base url.Values, offset, limit int) string {
	v := cloneValues(base)
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if limit != defaultPageLimit {
		v.Set("limit", strconv.Itoa(limit))
	}
	return "/search" + encode(v)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// facetGroups turns the facet counts into links that add each value as a filter.
func facetGroups(base url.Values, facets map[string]map[string]int) []facetGroup {
	var out []facetGroup
	for _, f := range facetParams {
		counts := facets[f.facet]
		if len(counts) == 0 {
			continue
		}
		g := facetGroup{Name: f.facet, Label: f.label}
		for _, kv := range sortedCounts(counts) {
			v := cloneValues(base)
			fv := facetValue{Value: kv.k, Count: kv.v}
			switch f.param {
			case "":
				// no filter parameter for actions: narrow the query instead
				term := "actions:" + kv.k
				fv.Active = strings.Contains(" "+v.Get("q")+" ", " "+term+" ")
				v.Set("q", strings.TrimSpace(v.Get("q")+" "+term))
			case "lang":
				fv.Active = v.Get("lang") == kv.k
				v.Set("lang", kv.k)
			default:
				for _, have := range v[f.param] {
					fv.Active = fv.Active || have == kv.k
				}
				if !fv.Active {
					v.Add(f.param, kv.k)
				}
			}
			if !fv.Active {
				fv.Link = "/search" + encode(v)
			}
			g.Values = append(g.Values, fv)
			if len(g.Values) == facetLimit {
				break
			}
		}
		out = append(out, g)
	}
	return out
}

type countKV struct {
	k string
	v int
}

// sortedCounts orders counts largest first, then by name.
func sortedCounts(m map[string]int) []countKV {
	kvs := make([]countKV, 0, len(m))
	for k, v := range m {
		kvs = append(kvs, countKV{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].v != kvs[j].v {
			return kvs[i].v > kvs[j].v
		}
		return kvs[i].k < kvs[j].k
	})
	return kvs
}

// activeFilters lists the filters in force, each with the link that drops it.
func activeFilters(base url.Values) []activeFilter {
	var out []activeFilter
	for _, name := range []string{"vendor", "agency", "country", "source", "lang", "since", "until", "ban"} {
		for _, val := range base[name] {
			v := cloneValues(base)
			rest := v[name][:0:0]
			for _, x := range v[name] {
				if x != val {
					rest = append(rest, x)
				}
			}
			if len(rest) == 0 {
				v.Del(name)
			} else {
				v[name] = rest
			}
			out = append(out, activeFilter{Label: name, Value: val, Remove: "/search" + encode(v)})
		}
	}
	return out
}

// formQuery keeps what the user typed, for the form shown with an error.
func formQuery(v url.Values) Query {
	return Query{Text: v.Get("q"), Vendors: v["vendor"], Agencies: v["agency"], Countries: v["country"],
		Sources: v["source"], Lang: v.Get("lang"), BanOnly: v.Get("ban") == "1", Sort: v.Get("sort")}
}

func boundText(q Query) (since, until string) {
	v := q.values(false)
	return v.Get("since"), v.Get("until")
}

package extract

// automaton is an Aho–Corasick automaton over bytes, compiled to a dense transition table over
// byte classes: bytes that occur in no pattern share class 0. It reports every occurrence of every
// pattern, overlapping ones included, in one pass over the text.
type automaton struct {
	class    [256]uint8
	nclass   int
	delta    []int32  // delta[state*nclass+class] is the next state
	delta16  []uint16 // the same table when every state fits in 16 bits: half the memory, fewer cache misses
	outStart []int32  // outputs of state s are outs[outStart[s]:outStart[s+1]]
	outs     []int32  // pattern ids
	lens     []int32  // pattern id → length in bytes
}

// hit is one occurrence of a pattern: text[start:end] equals pattern id.
type hit struct {
	start, end int
	id         int
}

// newAutomaton compiles the patterns; pattern i has id i. Empty patterns are ignored.
func newAutomaton(patterns []string) *automaton {
	a := &automaton{lens: make([]int32, len(patterns))}
	// Byte classes.
	var used [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			used[p[i]] = true
		}
	}
	n := 1
	for b := 0; b < 256; b++ {
		if used[b] {
			a.class[b] = uint8(n)
			n++
		}
	}
	a.nclass = n
	// Trie, with sparse children while building.
	type node struct {
		next map[uint8]int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for id, p := range patterns {
		a.lens[id] = int32(len(p))
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			t, ok := nodes[s].next[c]
			if !ok {
				t = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = t
			}
			s = t
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}
	// Breadth-first: failure links folded into the dense table, outputs merged along them.
	ns := len(nodes)
	a.delta = make([]int32, ns*n)
	fail := make([]int32, ns)
	order := make([]int32, 0, ns)
	for c, t := range nodes[0].next {
		a.delta[int(c)] = t
		order = append(order, t)
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		f := fail[s]
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		row := a.delta[int(s)*n : int(s)*n+n]
		copy(row, a.delta[int(f)*n:int(f)*n+n])
		for c, t := range nodes[s].next {
			fail[t] = a.delta[int(f)*n+int(c)]
			row[c] = t
			order = append(order, t)
		}
	}
	a.outStart = make([]int32, ns+1)
	for s := range nodes {
		a.outStart[s] = int32(len(a.outs))
		a.outs = append(a.outs, nodes[s].out...)
	}
	a.outStart[ns] = int32(len(a.outs))
	if ns <= 1<<16 {
		a.delta16 = make([]uint16, len(a.delta))
		for i, t := range a.delta {
			a.delta16[i] = uint16(t)
		}
		a.delta = nil
	}
	return a
}

// find calls fn for every occurrence of every pattern in text, in order of end position.
func (a *automaton) find(text string, fn func(h hit)) {
	if a.delta16 != nil {
		a.find16(text, fn)
		return
	}
	s := int32(0)
	n := int32(a.nclass)
	delta, outStart, outs, class := a.delta, a.outStart, a.outs, &a.class
	for i := 0; i < len(text); i++ {
		s = delta[s*n+int32(class[text[i]])]
		if lo, hi := outStart[s], outStart[s+1]; lo != hi {
			for _, id := range outs[lo:hi] {
				fn(hit{start: i + 1 - int(a.lens[id]), end: i + 1, id: int(id)})
			}
		}
	}
}

// find16 is find over the 16-bit table.
func (a *automaton) find16(text string, fn func(h hit)) {
	s := int32(0)
	n := int32(a.nclass)
	delta, outStart, outs, class := a.delta16, a.outStart, a.outs, &a.class
	for i := 0; i < len(text); i++ {
		s = int32(delta[s*n+int32(class[text[i]])])
		if lo, hi := outStart[s], outStart[s+1]; lo != hi {
			for _, id := range outs[lo:hi] {
				fn(hit{start: i + 1 - int(a.lens[id]), end: i + 1, id: int(id)})
			}
		}
	}
}

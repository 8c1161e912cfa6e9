package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("watch.yaml", "vendors:\n  - name: Raytheon Missiles & Defense\n    aliases: [RMD]\n    zh: [雷神导弹与防务公司]\n    parent: RTX\nagencies:\n  - name: Dutch Data Protection Authority\n    aliases: [Autoriteit Persoonsgegevens]\n")
	feeds := write("feeds.yaml", "gazetteer: watch.yaml\nsources:\n  - name: a\n    kind: feed\n    url: https://example.org/feed\n")
	env := map[string]string{"BANTRACK_CONFIG": feeds}

	out, errOut, code := runCmd(t, env, "names", "雷神导弹与防务公司")
	if code != 0 {
		t.Fatalf("names 雷神导弹与防务公司: exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"Raytheon Missiles & Defense", "kind:    vendor", "RMD", "parent:  RTX Corporation"} {
		if !strings.Contains(out, want) {
			t.Errorf("names output lacks %q:\n%s", want, out)
		}
	}
	out, _, code = runCmd(t, env, "names", "RTX")
	if code != 0 || !strings.Contains(out, "under it: Raytheon Missiles & Defense") {
		t.Errorf("names RTX: exit %d\n%s\nwant the file's subsidiary under it", code, out)
	}
	out, _, code = runCmd(t, env, "names", "Autoriteit Persoonsgegevens")
	if code != 0 || !strings.Contains(out, "kind:    agency") {
		t.Errorf("names Autoriteit Persoonsgegevens: exit %d\n%s", code, out)
	}
	out, errOut, code = runCmd(t, env, "names", "Huawie")
	if code != 1 || !strings.Contains(out, "not in the gazetteer") || !strings.Contains(out, "vendor: Huawei") {
		t.Errorf("names Huawie: exit %d\n%s%s\nwant exit 1, not in the gazetteer, and Huawei as a close name", code, out, errOut)
	}

	write("watch.yaml", "vendors:\n  - name: Acme\n    parent: Nobody Known\n  - name: Huawei Two\n    aliases: [华为]\n")
	_, errOut, code = runCmd(t, env, "names", "Acme")
	if code != 2 || !strings.Contains(errOut, "watch.yaml:2:") || !strings.Contains(errOut, "watch.yaml:4:") {
		t.Errorf("bad gazetteer file: exit %d, stderr %s; want exit 2 and file:line for both entries", code, errOut)
	}
}

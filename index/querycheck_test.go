package index

import (
	"errors"
	"testing"
)

func TestCheckQuery(t *testing.T) {
	for q, pos := range map[string]int{
		`"unterminated`: 1, `ban "x`: 5, `vendors:`: 8, `:x`: 1, `a + b`: 3, `huawei -`: 8,
		`x^`: 2, `x^y`: 3, `ok`: -1, `"网络安全审查"`: -1, `vendors:"Micron Technology" -lifted`: -1,
		`url:"https://a.example/x"`: -1, `published:>="2025-01-01"`: -1, `ban^2`: -1,
		`fortinet)`: 9, `(fortinet`: 1, `"网络安全审查" AND (`: 10, `huawei OR zte`: 8, `NOT lifted`: 1,
		`a && b`: 3, `"Huawei (China)"`: -1, `"AND"`: -1, `android ORACLE nothing`: -1, `and or not`: -1,
	} {
		err := CheckQuery(q)
		var qe *QueryError
		switch {
		case pos < 0 && err != nil:
			t.Errorf("CheckQuery(%q) = %v; want nil", q, err)
		case pos >= 0 && (!errors.As(err, &qe) || qe.Pos != pos || !errors.Is(err, ErrQuerySyntax)):
			t.Errorf("CheckQuery(%q) = %v; want a QueryError at position %d", q, err, pos)
		}
	}
}

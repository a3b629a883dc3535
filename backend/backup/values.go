package backup

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Portable column types of the dump format.
const (
	typeText  = "text"
	typeInt   = "int"
	typeFloat = "float"
	typeBool  = "bool"
	typeTime  = "time"
	typeBytes = "bytes"
)

// portableType maps a database type name (SQLite's declared type or
// PostgreSQL's type name, as database/sql reports them) to a portable type.
// Exact names, not substrings: "INTERVAL" and "POINT" contain "INT".
func portableType(dbType string) string {
	t := strings.ToUpper(strings.TrimSpace(dbType))
	if i := strings.IndexByte(t, '('); i >= 0 { // VARCHAR(64), NUMERIC(10,2)
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "INTEGER", "INT", "BIGINT", "SMALLINT", "INT2", "INT4", "INT8", "SERIAL", "BIGSERIAL":
		return typeInt
	case "REAL", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION", "NUMERIC", "DECIMAL":
		return typeFloat
	case "BOOLEAN", "BOOL":
		return typeBool
	case "DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "DATE":
		return typeTime
	case "BLOB", "BYTEA":
		return typeBytes
	}
	return typeText
}

// encodeValue turns a scanned value into its JSON form for the column type.
func encodeValue(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case typeText:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	case typeInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		case int:
			return int64(x), nil
		case bool: // SQLite may hand back a boolean stored in an INTEGER column
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case typeFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case string: // PostgreSQL NUMERIC
			f, err := strconv.ParseFloat(x, 64)
			if err == nil {
				return f, nil
			}
		case []byte:
			f, err := strconv.ParseFloat(string(x), 64)
			if err == nil {
				return f, nil
			}
		}
	case typeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64: // SQLite stores booleans as 0/1
			return x != 0, nil
		}
	case typeTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		case string:
			t, err := parseStoredTime(x)
			if err != nil {
				return nil, err
			}
			return t.UTC().Format(time.RFC3339Nano), nil
		}
	case typeBytes:
		switch x := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(x), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(x)), nil
		}
	}
	return nil, fmt.Errorf("value of Go type %T in a %s column", v, typ)
}

// decodeValue turns a JSON value of the dump back into a value the
// database driver accepts.
func decodeValue(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case typeText:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case typeInt:
		if n, ok := v.(json.Number); ok {
			return n.Int64()
		}
	case typeFloat:
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
	case typeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case typeTime:
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, err
			}
			return t.UTC(), nil
		}
	case typeBytes:
		if s, ok := v.(string); ok {
			return base64.StdEncoding.DecodeString(s)
		}
	}
	return nil, fmt.Errorf("JSON value %v (%T) in a %s column", v, v, typ)
}

// storedTimeFormats are the text forms SQLite may hold in a time column
// (the driver's own, with or without zone and fraction).
var storedTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
	time.RFC3339Nano,
}

func parseStoredTime(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	for _, f := range storedTimeFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}

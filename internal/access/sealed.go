package access

import "encoding/base64"

func encodeSealed(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func decodeSealed(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// Package s3test gives tests the S3-compatible server at TACK_TEST_S3
// (scripts/s3-server.sh starts one; .ci/run does): its endpoint, a client
// with the test bucket made, and fresh prefixes, so tests never share
// objects. Without the variable a test is skipped, or fails under CI=true.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Bucket is the one bucket every test works in, each under its own prefix.
const Bucket = "tack-test"

// Endpoint is TACK_TEST_S3, an endpoint URL such as http://127.0.0.1:8333
// (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
func Endpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("TACK_TEST_S3")
	if endpoint == "off" {
		t.Skip("TACK_TEST_S3=off: the S3 tests are switched off on purpose (.ci/run says why)")
	}
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TACK_TEST_S3 is not set: start the S3 server with scripts/s3-server.sh (CI must not skip the S3 tests)")
		}
		t.Skip("TACK_TEST_S3 not set (scripts/s3-server.sh starts an S3-compatible server)")
	}
	return endpoint
}

// Client reaches endpoint path-style, behind the back of the code under
// test, with Bucket made if the server is fresh.
func Client(t testing.TB, endpoint string) *minio.Client {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewEnvAWS(), Secure: u.Scheme == "https",
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.MakeBucket(context.Background(), Bucket, minio.MakeBucketOptions{Region: "us-east-1"}); err != nil {
		if ok, _ := cl.BucketExists(context.Background(), Bucket); !ok {
			t.Fatal(err)
		}
	}
	return cl
}

// Prefix is name and a random suffix: a test's own corner of Bucket.
func Prefix(name string) string {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	return name + "-" + hex.EncodeToString(rnd[:])
}

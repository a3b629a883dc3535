// Package faulttest runs faults against the deploy/ example: 50 people work
// through the balancer while one replica is killed with SIGKILL and
// restarted and the S3 server is restarted; afterwards nothing is lost or
// wrong. It needs the running set-up (make fault-test brings it up):
//
//	deploy/local.sh up && eval "$(deploy/local.sh env)" && go test ./deploy/faulttest/
//
// Without TACK_DEPLOY_URL the test skips.
package faulttest

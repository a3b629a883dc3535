// Package devices keeps what each desktop's sync agent last reported about
// its folder backups (the heartbeat: per pair, the last successful sync,
// its state and error, how many files it skipped), so an administrator sees
// which computers have not backed up for a day, or have a pair that stopped,
// without visiting them. One row per (user, device key); a heartbeat
// replaces the row. Only administrators list the devices; anyone signed in
// reports for their own account only.
package devices

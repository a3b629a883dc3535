// Package org holds the company's people: the company record made at first
// run, departments as a tree with a head, users with the profile fields the
// onboarding policy requires, roles, sessions, passwords and TOTP.
//
// Other domains read the org through Service (directory.go): who a user's
// manager is, who heads a department, who holds a role. Offboarding runs
// hooks that other domains register (OnDeactivate), because org must not
// import them. A domain that gives users work its hook would move locks them
// first with LockActive, so the work is never written after the hook looked.
//
// Who may do what (checked here, not only in the UI):
//   - everyone signed in reads the directory (active users, departments,
//     roles); password hashes and TOTP secrets never leave the package;
//   - admins manage everything: departments, roles, users, the audit log;
//   - HR onboards (create), edits, offboards and reactivates users who are
//     not admins, grants and revokes only roles that are not privileged
//     (Role.Privileged: admin, HR, department head, general manager and, by
//     default, custom roles, which approval steps and drive grants can name),
//     and resets the password only of people who hold no privileged role and
//     head no department (an approver's password in HR's hands would let HR
//     approve as them);
//   - nobody, not even an admin, changes their own roles;
//   - a reset password must be replaced at the next sign-in: until then the
//     session may only read /me and change the password (api middleware),
//     and the owner is notified (org.password_reset);
//   - a department head also sees the inactive members of their department;
//   - a user edits their own phone and locale, password and TOTP.
//
// Sign-in (ratelimit.go): every password and authenticator-code check is
// counted before it runs, per (account, IP) and per IP for sign-ins and per
// user for codes and password changes, with a delay that doubles after a few
// free failures instead of a hard lock; password hashes run in a few slots
// (≈ NumCPU) so a burst cannot exhaust memory. An unknown email and a
// deactivated account answer exactly like a wrong password. Sessions last
// SessionTTL after their last use and at most their absolute lifetime (the
// server's SetSessionLifetime, or an admin's SecuritySettings); a password change replaces every session of the user
// with one new one; ending sessions (logout, password change or reset,
// deactivation) closes their event streams on every replica
// (notify.CloseStreams).
//
// Error keys (frontend: errors.<key>): setup.already_done, setup.invalid,
// setup.needed; auth.bad_credentials, auth.totp_required, auth.bad_totp,
// auth.rate_limited, auth.wrong_password, auth.invalid_password_change,
// auth.totp_already_enabled, auth.totp_not_enabled, auth.totp_not_set_up,
// auth.session_expired, auth.busy, auth.password_change_required (api);
// org.forbidden, org.own_roles, org.privileged_role_admins_only,
// org.reset_privileged_admins_only, org.invalid_user,
// org.invalid_department, org.invalid_role, org.user_not_found,
// org.department_not_found, org.role_not_found, org.stale_version,
// org.department_cycle, org.department_has_children,
// org.department_has_members, org.root_department, org.role_builtin,
// org.role_exists, org.role_in_use, org.admin_role_admins_only,
// org.last_admin, org.cannot_deactivate_self, org.already_inactive,
// org.already_active, org.user_inactive. Field keys: required, too_long,
// too_short (passwords), same (a new password equal to the given one),
// invalid, invalid_email, invalid_phone, not_found, duplicate.
package org

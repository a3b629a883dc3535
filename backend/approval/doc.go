// Package approval is Tack's approvals domain (审批): versioned templates with a
// form schema and a flow, the engine that routes an instance through approver,
// CC and condition nodes, the inbox, the working-hours SLA job, statistics and
// export. Routes are resolved once at submit time and stored on the instance,
// so later steps never depend on org changes made mid-flight (deactivation
// reassigns tasks and reroutes approver steps explicitly through the
// OnDeactivate hook; writers that assign lock the assignees, org.LockActive).
package approval

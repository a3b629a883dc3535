// Package approval is Tack's approvals domain (审批): versioned templates with a
// form schema and a flow, the engine that routes an instance through approver,
// CC and condition nodes, the inbox, the working-hours SLA job, statistics and
// export. Routes are resolved once at submit time and stored on the instance,
// so later steps never depend on org changes made mid-flight (deactivation
// reassigns tasks and reroutes approver steps explicitly through the
// OnDeactivate hook; writers that assign lock the assignees, org.LockActive).
// Nobody approves their own request: a route step, a transfer, an added
// approver or an offboarding successor never lands on the applicant; a step
// that would goes where the template's self_approval says (self.go).
package approval

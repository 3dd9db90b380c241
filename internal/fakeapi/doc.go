// Package fakeapi is an in-process fake of the SWR Enterprise retention API and of
// the two IAM calls the provider needs, written from the official API reference,
// the official Go SDK (huaweicloud-sdk-go-v3, services/swr/v2) and Harbor, which
// SWR Enterprise is built on.
//
// # Endpoints
//
//	POST /v3/auth/tokens                                   IAM password token (201 + X-Subject-Token)
//	GET  /v3/projects?name=                                IAM project lookup
//	GET  /v2/{project_id}/instances?offset&limit&status&enterprise_project_id
//	GET  /v2/{project_id}/instances/{instance_id}/namespaces?offset&limit&name&public
//	GET  /v2/{project_id}/instances/{instance_id}/retention/policies?name&namespace_id&offset&limit
//	GET  /v2/{project_id}/instances/{instance_id}/namespaces/{ns}/retention/policies/{policy_id}/executions?offset&limit (a status parameter is a 400: the SDK has none)
//	POST (same path)                                       start an execution, body {"dry_run":bool} -> 201 {"id":N}
//	GET  .../executions/{execution_id}/tasks?offset&limit&status
//	GET  .../executions/{execution_id}/tasks/{task_id}/subtasks?offset&limit&status
//
// Routing splits the escaped path into segments and unescapes each one, so a
// namespace sent as a%2Fb is the namespace "a/b". Any other path is a 404
// (error_code APIG.0101, checked before authentication as a gateway does); a known
// path with another method is a 405.
//
// # Order of checks
//
// latency, fault, the SDK's headers (400, only with RequireSDKHeaders), route (404), method (405), authentication (401), project (403),
// path and query validation (400), lookup (404: the body names the instance,
// namespace, policy, execution or task that was not found).
//
// List rules shared by every list call: limit defaults to 10 and must be 1..100;
// offset defaults to 0 and must be 0 or a multiple of limit; a status filter must be
// one of Initialized, Pending, InProgress, Succeed, Failed, Stopped. A query
// parameter given with an empty value or more than once is a 400 too. total counts
// the filtered set; items come in stored order (executions newest first). The
// policies list filters name by substring and namespace_id by equality. The
// instances list (in id order) filters status (Initial, Creating, Running or
// Unavailable; anything else is a 400) and enterprise_project_id by equality; the
// namespaces list (in namespace-id order) filters name by substring and public
// ("true" or "false", as the SDK's string enum). An instance that SetInstance did
// not describe is listed as a Running placeholder named after its id.
// SetListingQuirks changes that to what a real API may do instead: total counting
// the unfiltered set, total absent or null, filters ignored, offset ignored, or
// each page filtered after paging (a gateway: short pages mid-listing).
//
// # Listings that move while they are read
//
// SetMotion makes one listing move as the live service's do, on a logical clock
// (the list requests served, never wall time): tasks starting in Harbor's order
// (start_time DESC, id DESC; each task that starts moves to the front, statuses go
// Pending, InProgress, then final), tasks failing (a status=Failed listing grows),
// sub-tasks of a running task growing, executions starting at the front, or a
// listing that never holds still (a task more at the front, and one moved there,
// on every request), policies, namespaces and instances added at the front; items
// deleted and created (namespaces, policies, instances, executions: MotionReplace),
// or an item leaving a filter (a task finishing, an instance no longer Running, a
// namespace made private: MotionLeave). The zero Motion stops it; swr-fake's
// -move flags set it.
//
// # Errors
//
// SWR errors are {"error_code","error_msg"} plus "encoded_authorization_message"
// (an opaque base64 string) on 403. The README says no table of SWR Enterprise codes
// is published, so the fake's non-gateway codes are placeholders named
// SWR.FAKE.<status> (for example SWR.FAKE.404): clients must not depend on them.
// Gateway codes are the documented ones: APIG.0301 (401, bad or missing token or
// signature), APIG.0307 (401, token must be updated), APIG.0308 (429, throttled).
// IAM errors use IAM's {"error":{"code","message","title"}}.
//
// # Authentication
//
// Every call but POST /v3/auth/tokens needs X-Auth-Token (a Config.Tokens entry or
// a token issued by POST /v3/auth/tokens that has not expired) or an
// "Authorization: SDK-HMAC-SHA256 ..." header, verified with the signer package
// (X-Sdk-Date within 15 minutes). When both are sent the signature wins. The path's
// project_id must be Config.ProjectID (403 otherwise); an issued token must be
// scoped to that project and an X-Project-Id header, when sent, must equal it.
//
// # Sample data (SeedSample)
//
//	instance "ins-demo"
//	  namespace "platform" (namespace_id 1)
//	    policy 7 "platform-keep-latest-10" (latestPushedK 10, scheduled "0 0 2 * * *")
//	      execution 114  newest, manual, InProgress, no tasks (just started: the empty one)
//	      execution 113  scheduled, Failed, 250 tasks (every one final: mostly Succeed,
//	                     some Failed and Stopped); each Failed task has 1-3 sub-tasks
//	      execution 112  manual, dry run, Succeed, 30 tasks
//	      execution 111  scheduled, Succeed, 40 tasks
//	  namespace "tools" (namespace_id 2)
//	    policy 9 "tools-30-days" (nDaysSinceLastPush 30, manual trigger, disabled)
//	      execution 101  manual, Succeed, 12 tasks
//
//	  namespace "sandbox" (namespace_id 3): no policy
//	instance "ins-shared" (Running): 120 namespaces, base-images and apps then
//	    ci-cache-001..118 (two pages); policy 31 on base-images (execution 401,
//	    Succeed, 8 tasks) and 32 on apps (402 Succeed, 15 tasks; 403 InProgress),
//	    both enabled; on ci-cache-001..006 one enabled policy each (33-38), each
//	    in a condition an audit reports (cases.go): 33 stale (its newest run ended
//	    40 days ago), 34 dry runs only, 35 never ran, 36 a run (463) InProgress for
//	    3 days, 37 every rule disabled, 38 keeps the latest 2 or 3 days of every
//	    tag; no policy on ci-cache-007..118
//	instance "ins-staging" (Creating): namespace staging, policy 41, execution
//	    501 whose 5 tasks all Failed (an audit of running instances never sees it)
//
// The data is written as of DataNow (2024-07-02T03:10:00Z): 114 and 403 started
// ten minutes before, 113 ended the evening before. SetAsOf lists it as of
// another instant (swr-fake shows it as of now by default), so that a client
// judging ages by its own clock sees the ages the data was written with.
//
// # Cases and generated accounts
//
// SetCase puts any policy in one of the conditions above (failed, stale,
// dry-run-only, never-ran, stuck, rules-disabled, weak-rules); Generate adds an
// account of a given size from a seed (AccountSpec: instances, namespaces,
// policies, runs, tasks, failure rate), the same for the same spec.
//
// Tasks of 113 are not GenerateTasks(113, ...) output (they are all final); the
// ids, statuses and counts are deterministic and the package tests pin them.
// Sub-task ids start at 50001.
//
// # Times and headers as the real service may send them
//
// SetTimeLayout rewrites the times of every listing (start_time, end_time,
// op_time) as the same instant in another layout: fractional seconds, a +08:00
// offset, no zone (space or T), or unreadable garbage. SetUnsetEndTime writes an
// end_time not set yet (unfinished tasks and executions) as "", null, nothing or
// the zero time. RequireSDKHeaders answers 400 to a request without the SDK's
// Content-Type: application/json, or a token request without nocatalog=true.
//
// # Faults and recording
//
// AddFault queues faults (throttling, 5xx, delays, hangs, connection resets) that
// apply before routing, IAM calls included; SetLatency slows every request.
// Fault.RedirectTo answers with a redirect to another (loopback) listener.
// Config.RequirePassword accepts only issued tokens on the API,
// Config.RotateTokensAfter expires the issued tokens once after N requests, and
// Config.JunkRequestIDs puts terminal escapes and bidi overrides into X-Request-Id.
// SetAnswers makes the fake answer as a gateway, a proxy or another API version
// may: every listing's 200 rewritten as the API's error shape, {}, null items or
// duplicate keys; a UTF-8 BOM before every body; a proxy's HTML 401 or 403 to every
// request; an IAM project lookup that ignores ?name= (answers.go).
// Requests records every request with the status sent (0 when none was: hang,
// reset, client gone) and the authentication method presented; PeakInFlight is
// the most requests served at once.
package fakeapi

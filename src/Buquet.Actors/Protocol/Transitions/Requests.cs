using System.Text.Json;

namespace Buquet.Actors.Protocol.Transitions;

/// <summary>T2: claim for <paramref name="WorkerId"/> under the fresh fencing token <paramref name="LeaseId"/>.</summary>
internal sealed record ClaimRequest(string WorkerId, Guid LeaseId);

/// <summary>T3: complete with an inline output or an output reference.</summary>
internal sealed record CompleteRequest(Guid LeaseId, JsonElement? Output, string? OutputRef = null);

/// <summary>T4: retry after a failure; <paramref name="Random"/> is the jitter source in [0, 1).</summary>
internal sealed record RetryRequest(Guid LeaseId, string Error, Func<double> Random);

/// <summary>T5: fail permanently.</summary>
internal sealed record FailRequest(Guid LeaseId, string Error);

/// <summary>T6: "try later" after <paramref name="Delay"/> without consuming a retry.</summary>
internal sealed record RescheduleRequest(Guid LeaseId, TimeSpan Delay);

/// <summary>T7: recover a running task whose lease expired; <paramref name="Random"/> is the jitter source.</summary>
internal sealed record TimeoutRecoveryRequest(Func<double> Random);

/// <summary>T8: extend the lease by <paramref name="Extra"/> from <c>max(lease_expires_at, now)</c>.</summary>
internal sealed record ExtendLeaseRequest(Guid LeaseId, TimeSpan Extra);

/// <summary>
/// T9: ask a running task's handler to stop. <paramref name="Reason"/> (into <c>last_error</c>) and
/// <paramref name="CancelledBy"/> are recorded when given, so a task that then ends cancelled carries them.
/// </summary>
internal sealed record RequestCancelRequest(string? Reason = null, string? CancelledBy = null);

/// <summary>
/// T9b: the lease holder ends a running task whose cancellation was requested as cancelled.
/// <paramref name="ClaimedLastError"/> is <c>last_error</c> as claimed: a different value now is the request's reason.
/// </summary>
internal sealed record CancelRunningRequest(Guid LeaseId, string? ClaimedLastError, string DefaultError);

/// <summary>T10: cancel a pending task.</summary>
internal sealed record CancelRequest(string? Reason = null, string? CancelledBy = null);

/// <summary>T11: mark a pending task expired; unless <paramref name="Force"/>, only once its TTL has passed.</summary>
internal sealed record ExpireRequest(bool Force = false);

/// <summary>T12: put a failed task back to pending.</summary>
internal sealed record ReplayRequest;

/// <summary>T13: archive a completed or failed task.</summary>
internal sealed record ArchiveRequest;

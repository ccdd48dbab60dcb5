namespace Buquet.Actors.Worker.Handlers;

/// <summary>Why a handler's <see cref="TaskContext.CancellationToken"/> fired.</summary>
public enum TaskCancellationReason
{
    /// <summary>The token has not fired.</summary>
    None,

    /// <summary>The task's timeout (its deadline on the store clock) passed.</summary>
    Timeout,

    /// <summary>The worker is shutting down and the drain deadline passed.</summary>
    Shutdown,

    /// <summary>Someone requested cancellation of the running task (<c>cancel_requested</c>).</summary>
    CancelRequested,

    /// <summary>The worker lost the task's lease (or can no longer trust it); any result would be discarded.</summary>
    LeaseLost,
}

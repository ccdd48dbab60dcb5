namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// Thrown by a handler for a failure worth retrying: the task goes back to pending with the task's retry policy
/// backoff, or fails once <c>max_retries</c> is used up. Any exception that is not one of the three Buquet task
/// exceptions is treated the same way (unlike buquet Python, which treats unknown exceptions as permanent).
/// </summary>
public sealed class RetryableTaskException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RetryableTaskException()
        : base("Retryable task failure.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The error stored in <c>last_error</c>.</param>
    public RetryableTaskException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The error stored in <c>last_error</c>.</param>
    /// <param name="inner">The cause.</param>
    public RetryableTaskException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Thrown by a handler for a failure no retry can fix: the task becomes <c>failed</c> at once.</summary>
public sealed class PermanentTaskException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentTaskException()
        : base("Permanent task failure.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The error stored in <c>last_error</c>.</param>
    public PermanentTaskException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The error stored in <c>last_error</c>.</param>
    /// <param name="inner">The cause.</param>
    public PermanentTaskException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Thrown by a handler to say "try again later" (rate limits, "durable sleep"): the task goes back to pending,
/// available after <see cref="Delay"/>, with <c>reschedule_count + 1</c>; <c>retry_count</c> is untouched. Past the
/// task's <c>max_reschedules</c> the task fails with "Max reschedules (N) exceeded".
/// </summary>
public sealed class RescheduleTaskException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="delay">How long the task sleeps before it becomes available again (zero or more).</param>
    public RescheduleTaskException(TimeSpan delay)
        : base($"Reschedule after {delay.TotalSeconds:0.###} seconds")
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "Reschedule delay must not be negative.");
        }

        Delay = delay;
    }

    /// <summary>Creates the exception (60 s delay).</summary>
    public RescheduleTaskException()
        : this(TimeSpan.FromSeconds(60))
    {
    }

    /// <summary>Creates the exception (60 s delay).</summary>
    /// <param name="message">Ignored text (the message always states the delay).</param>
    public RescheduleTaskException(string message)
        : base(message) => Delay = TimeSpan.FromSeconds(60);

    /// <summary>Creates the exception (60 s delay).</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause.</param>
    public RescheduleTaskException(string message, Exception inner)
        : base(message, inner) => Delay = TimeSpan.FromSeconds(60);

    /// <summary>The delay before the task is available again.</summary>
    public TimeSpan Delay { get; }
}

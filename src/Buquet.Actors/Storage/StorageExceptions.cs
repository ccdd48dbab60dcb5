namespace Buquet.Actors.Storage;

/// <summary>The store throttled us (S3 503 SlowDown / 429) and retries were exhausted.</summary>
public sealed class ObjectStoreThrottledException : ObjectStoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public ObjectStoreThrottledException() { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreThrottledException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreThrottledException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>A request timed out or its response was lost; for a write, whether it landed is unknown to the thrower.</summary>
public sealed class ObjectStoreTimeoutException : ObjectStoreUnavailableException
{
    /// <summary>Creates the exception.</summary>
    public ObjectStoreTimeoutException() { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreTimeoutException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// The configured bucket cannot be used for coordination: conditional writes do not hold there (for example RGW 16.2
/// with bucket versioning on), the bucket does not exist, or the credentials are refused. Raised at start-up.
/// </summary>
public sealed class ObjectStoreConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ObjectStoreConfigurationException() { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ObjectStoreConfigurationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a known <paramref name="problem"/>.</summary>
    public ObjectStoreConfigurationException(string message, StoreConfigurationProblem problem, Exception? innerException = null)
        : base(message, innerException) => Problem = problem;

    /// <summary>What is wrong, for tools that suggest a fix (the message says it for people).</summary>
    public StoreConfigurationProblem Problem { get; }
}

/// <summary>Why a store was refused at start-up (<see cref="ObjectStoreConfigurationException.Problem"/>).</summary>
public enum StoreConfigurationProblem
{
    /// <summary>Anything else: credentials refused, a broken database, conditional writes that do not hold.</summary>
    Unspecified,

    /// <summary>The bucket does not exist (S3 <c>NoSuchBucket</c>).</summary>
    BucketMissing,

    /// <summary>The endpoint did not answer: transport failure, refused connection, time-out, server error.</summary>
    Unreachable,

    /// <summary>The local store directory or database does not exist and may not be created.</summary>
    LocalStoreMissing,

    /// <summary>The local store directory holds the old directory layout, which this version does not read.</summary>
    OldLocalLayout,

    /// <summary>The endpoint behaves like Ceph RGW, where bucket versioning breaks conditional writes.</summary>
    VersioningBreaksConditionalWrites,

    /// <summary>Bucket versioning is off and running without it was not allowed.</summary>
    VersioningOff,
}

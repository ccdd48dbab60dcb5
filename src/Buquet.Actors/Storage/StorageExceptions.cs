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
}

namespace Buquet.Actors.Protocol;

/// <summary>
/// An object in the bucket could not be read as the protocol type it should hold (bad JSON, missing required field,
/// wrong type). Names the object key and the problem; a listing or worker reports it and carries on.
/// </summary>
public sealed class MalformedObjectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MalformedObjectException() : this("(unknown)", "malformed object") { }

    /// <summary>Creates the exception.</summary>
    public MalformedObjectException(string message) : this("(unknown)", message) { }

    /// <summary>Creates the exception.</summary>
    public MalformedObjectException(string message, Exception innerException) : base(message, innerException) => Key = "(unknown)";

    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public MalformedObjectException(string key, string problem, Exception? innerException = null)
        : base($"Malformed object '{key}': {problem}", innerException)
    {
        Key = key;
        Problem = problem;
    }

    /// <summary>The object key.</summary>
    public string Key { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = "";
}

namespace Buquet.Host.Cli;

/// <summary>Exit codes of every <c>buquet</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>User error: bad input, unknown id, invalid JSON, bad configuration, an operation the task's state refuses.</summary>
    public const int UserError = 1;

    /// <summary>Infrastructure error: store unreachable or refused, missing bucket, unreadable stored object.</summary>
    public const int InfrastructureError = 2;
}

/// <summary>A failure the CLI reports as <c>Error: …</c> plus <c>Suggestion: …</c> with a chosen exit code.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliException(string message, string? suggestion, int exitCode = ExitCodes.UserError, Exception? inner = null)
        : base(message, inner)
    {
        Suggestion = suggestion;
        ExitCode = exitCode;
    }

    /// <summary>What the user should do next.</summary>
    public string? Suggestion { get; }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = ExitCodes.UserError;

    /// <summary>A user error.</summary>
    public static CliException User(string message, string? suggestion) => new(message, suggestion, ExitCodes.UserError);

    /// <summary>An infrastructure error.</summary>
    public static CliException Infrastructure(string message, string? suggestion, Exception? inner = null) => new(message, suggestion, ExitCodes.InfrastructureError, inner);
}

namespace Buquet.Actors.Configuration;

/// <summary>A HOCON document could not be read: the message gives the file, line, column and what was expected.</summary>
public sealed class HoconParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HoconParseException()
        : this("HOCON parse error", "<unknown>", 0, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HoconParseException(string message)
        : this(message, "<unknown>", 0, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HoconParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        SourceName = "<unknown>";
    }

    /// <summary>Creates the exception for a position in a source.</summary>
    /// <param name="reason">What was wrong or expected.</param>
    /// <param name="sourceName">The file path, or a name for an in-memory string.</param>
    /// <param name="line">1-based line.</param>
    /// <param name="column">1-based column.</param>
    public HoconParseException(string reason, string sourceName, int line, int column)
        : base($"{sourceName}:{line}:{column}: {reason}")
    {
        Reason = reason;
        SourceName = sourceName;
        Line = line;
        Column = column;
    }

    /// <summary>What was wrong or expected, without the position.</summary>
    public string Reason { get; }

    /// <summary>The file path, or a name for an in-memory string.</summary>
    public string SourceName { get; }

    /// <summary>1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error.</summary>
    public int Column { get; }
}

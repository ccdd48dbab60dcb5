namespace Buquet.Actors.Scheduling.Cron;

/// <summary>
/// A cron expression that buquet peers would not accept. The message quotes the expression and names the field at
/// fault, e.g. <c>"0 25 * * *": hour field "25" is out of range 0-23</c>.
/// </summary>
public sealed class CronFormatException : FormatException
{
    /// <summary>Creates the exception for a problem with the whole expression.</summary>
    /// <param name="expression">The expression as given.</param>
    /// <param name="message">The full message.</param>
    public CronFormatException(string expression, string message)
        : base(message)
    {
        Expression = expression;
    }

    /// <summary>Creates the exception for a problem in one field.</summary>
    /// <param name="expression">The expression as given.</param>
    /// <param name="fieldIndex">Index of the field at fault (0 = minute … 4 = day-of-week).</param>
    /// <param name="fieldName">Name of the field at fault, e.g. <c>hour</c>.</param>
    /// <param name="fieldText">Text of the field at fault.</param>
    /// <param name="message">The full message.</param>
    public CronFormatException(string expression, int fieldIndex, string fieldName, string fieldText, string message)
        : base(message)
    {
        Expression = expression;
        FieldIndex = fieldIndex;
        FieldName = fieldName;
        FieldText = fieldText;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CronFormatException()
        : this(string.Empty, "Invalid cron expression.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The full message.</param>
    public CronFormatException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The cause.</param>
    public CronFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Expression = string.Empty;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>Index of the field at fault (0 = minute … 4 = day-of-week), or <c>null</c> for the whole expression.</summary>
    public int? FieldIndex { get; }

    /// <summary>Name of the field at fault (<c>minute</c>, <c>hour</c>, <c>day-of-month</c>, <c>month</c>,
    /// <c>day-of-week</c>), or <c>null</c>.</summary>
    public string? FieldName { get; }

    /// <summary>Text of the field at fault, or <c>null</c>.</summary>
    public string? FieldText { get; }
}

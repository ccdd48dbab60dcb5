using System.Text;

namespace Buquet.Actors.Protocol;

/// <summary>
/// Validation of user-supplied object-key components (task type, idempotency scope, schedule id, worker id).
/// A bad value is rejected with an <see cref="ArgumentException"/> that names it.
/// </summary>
internal static class KeyComponents
{
    /// <summary>Maximum UTF-8 length of one user-supplied component. S3 keys are at most 1024 bytes.</summary>
    public const int MaxComponentBytes = 200;

    public static string ValidateTaskType(string? value, string paramName = "taskType") => ValidateSegment(value, "task type", paramName);

    public static string ValidateWorkerId(string? value, string paramName = "workerId") => ValidateSegment(value, "worker id", paramName);

    public static string ValidateScheduleId(string? value, string paramName = "scheduleId") => ValidateSegment(value, "schedule id", paramName);

    /// <summary>
    /// An idempotency scope may contain <c>/</c> (a peer's custom scopes do, e.g. <c>custom/scope</c>), but no empty
    /// or dot-dot segment, and no leading or trailing slash, so it cannot escape or alias the <c>idempotency/</c> prefix.
    /// </summary>
    public static string ValidateScope(string? value, string paramName = "scope")
    {
        CheckCommon(value, "idempotency scope", paramName);
        foreach (var segment in value!.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                throw new ArgumentException($"Invalid idempotency scope '{Show(value)}': empty, '.' or '..' path segments are not allowed.", paramName);
            }
        }

        return value;
    }

    /// <summary>An idempotency key is hashed, never used as a path; it only has to be non-empty and free of control characters.</summary>
    public static string ValidateIdempotencyKey(string? value, string paramName = "idempotencyKey")
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("Idempotency key must not be empty.", paramName);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"Invalid idempotency key '{Show(value)}': control characters are not allowed.", paramName);
        }

        return value;
    }

    private static string ValidateSegment(string? value, string what, string paramName)
    {
        CheckCommon(value, what, paramName);
        if (value!.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid {what} '{Show(value)}': '/' is not allowed (it would change the bucket layout).", paramName);
        }

        if (value is "." or "..")
        {
            throw new ArgumentException($"Invalid {what} '{Show(value)}': '.' and '..' are not allowed.", paramName);
        }

        return value;
    }

    private static void CheckCommon(string? value, string what, string paramName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {what} must not be empty.", paramName);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"Invalid {what} '{Show(value)}': control characters are not allowed.", paramName);
        }

        if (value.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid {what} '{Show(value)}': '..' is not allowed.", paramName);
        }

        if (value.Any(c => char.IsSurrogate(c)) && !IsWellFormed(value))
        {
            throw new ArgumentException($"Invalid {what} '{Show(value)}': unpaired surrogate characters are not allowed.", paramName);
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxComponentBytes)
        {
            throw new ArgumentException($"Invalid {what} '{Show(value[..Math.Min(value.Length, 40)])}…': {bytes} UTF-8 bytes, at most {MaxComponentBytes} allowed.", paramName);
        }
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders a value for an error message with control characters made visible.</summary>
    internal static string Show(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

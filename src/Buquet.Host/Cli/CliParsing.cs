using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Host.Cli;

/// <summary>Parsing of command values, with errors that name the bad value.</summary>
internal static class CliParsing
{
    /// <summary>The task id argument shared by status, history, replay and archive.</summary>
    public static Argument<string> TaskIdArgument(string description) => new("id") { Description = description };

    public static Guid TaskId(string? text)
    {
        if (Guid.TryParse(text?.Trim(), out var id))
        {
            return id;
        }

        throw CliException.User(
            $"'{text}' is not a task id: expected a UUID such as 0b7e5a5e-3f0c-4d7b-9c1e-2a6f1d9c8e44.",
            "Copy the id printed by 'buquet submit' or 'buquet list'.");
    }

    /// <summary>A duration such as 30s, 5m, 1h30m or a bare number of seconds.</summary>
    public static TimeSpan Duration(string flag, string text)
    {
        if (DelayParser.TryParse(text, out var value))
        {
            return value;
        }

        throw CliException.User(
            $"{flag} '{text}' is not a duration.",
            $"Use a number with a unit such as 30s, 5m, 1h, 1d, 1w, a combination like 1h30m, or whole seconds (e.g. {flag} 90).");
    }

    /// <summary>An RFC 3339 time such as 2026-01-31T12:00:00Z.</summary>
    public static DateTimeOffset Time(string flag, string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        throw CliException.User($"{flag} '{text}' is not an RFC 3339 time.", $"Use a time such as {flag} 2026-01-31T12:00:00Z (UTC) or 2026-01-31T13:00:00+01:00.");
    }

    /// <summary>A status name (pending, running, completed, failed, cancelled, archived, expired).</summary>
    public static BuquetTaskStatus Status(string text)
    {
        if (Enum.TryParse<BuquetTaskStatus>(text, ignoreCase: true, out var status) && Enum.IsDefined(status) && !char.IsAsciiDigit(text.TrimStart()[0]))
        {
            return status;
        }

        throw CliException.User(
            $"--status '{text}' is not a task status.",
            "Use one of: " + string.Join(", ", Enum.GetNames<BuquetTaskStatus>().Select(n => n.ToLowerInvariant())) + ".");
    }

    /// <summary>JSON text, or <c>@file</c>, or <c>@-</c> for standard input.</summary>
    public static JsonElement Input(string? text, TextReader stdin)
    {
        if (text is null)
        {
            using var empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }

        string json;
        var source = "--input";
        if (text.StartsWith('@'))
        {
            var path = text[1..];
            source = path == "-" ? "standard input" : $"file '{path}'";
            try
            {
                json = path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliException.User($"Cannot read input {source}: {e.Message}", "Check the path after '@' (e.g. -i @input.json).");
            }
        }
        else
        {
            json = text;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw CliException.User(
                $"Input from {source} is not valid JSON: {e.Message}",
                "Pass a JSON value quoted for your shell, e.g. -i '{\"n\": 1}', or put it in a file and pass -i @input.json.");
        }
    }

    /// <summary>Builds an <see cref="Option{T}"/> with a description and optional aliases.</summary>
    public static Option<T> Option<T>(string name, string description, string? helpName = null, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = helpName };

    /// <summary>The message of an operation result that did not succeed.</summary>
    public static CliException Failure(TaskOperationResult result, string verb) => result.Status switch
    {
        TaskOperationStatus.NotFound => NotFound(result.TaskId),
        TaskOperationStatus.InvalidState => CliException.User(
            result.Message ?? $"Task {result.TaskId} cannot be {verb}: its status ({result.Task?.Status}) does not allow it.",
            "Check the task with 'buquet status " + result.TaskId + "'."),
        TaskOperationStatus.Conflict => CliException.Infrastructure(
            $"Task {result.TaskId} was not {verb}: concurrent writers kept winning ({result.Message}).", "Try again; the task is being changed by workers right now."),
        _ => CliException.Infrastructure($"Task {result.TaskId} was not {verb}: {result.Message}", "Inspect the task object in the store; run 'buquet doctor'."),
    };

    public static CliException NotFound(Guid id) => CliException.User(
        $"Task {id} not found.",
        "Check the id with 'buquet list', and that --store/--bucket/--local-path and --shard-prefix-len point at the queue that holds it.");
}

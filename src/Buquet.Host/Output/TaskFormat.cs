using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Host.Output;

/// <summary>How tasks look in CLI output.</summary>
internal static class TaskFormat
{
    /// <summary>The task as its wire JSON (protocol §2.2, the object stored at <c>tasks/{shard}/{id}.json</c>).</summary>
    public static JsonNode ToJson(TaskRecord task) => JsonNode.Parse(TaskJson.Serialize(task))!;

    /// <summary>RFC 3339 UTC with seconds precision.</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 UTC with milliseconds.</summary>
    public static string TimeMs(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The status as buquet prints it (Rust Debug form, e.g. <c>Pending</c>).</summary>
    public static string Status(BuquetTaskStatus status) => status.ToString();

    /// <summary>The status in colour markup.</summary>
    public static string StatusMarkup(BuquetTaskStatus status) => status switch
    {
        BuquetTaskStatus.Completed => "[green]Completed[/]",
        BuquetTaskStatus.Failed => "[red]Failed[/]",
        BuquetTaskStatus.Running => "[blue]Running[/]",
        BuquetTaskStatus.Pending => "[yellow]Pending[/]",
        BuquetTaskStatus.Cancelled => "[grey]Cancelled[/]",
        BuquetTaskStatus.Expired => "[grey]Expired[/]",
        _ => status.ToString(),
    };

    /// <summary>The status in snake case, as in task JSON.</summary>
    public static string StatusWire(BuquetTaskStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>An operation result's status in snake case (<c>applied</c>, <c>already_done</c>, <c>not_found</c>...).</summary>
    public static string OutcomeName(TaskOperationStatus status) => status switch
    {
        TaskOperationStatus.AlreadyDone => "already_done",
        TaskOperationStatus.CancellationRequested => "cancellation_requested",
        TaskOperationStatus.NotFound => "not_found",
        TaskOperationStatus.InvalidState => "invalid_state",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Whole seconds, signed.</summary>
    public static string Seconds(TimeSpan span) => ((long)Math.Floor(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>A JSON element as a node.</summary>
    public static JsonNode? Node(JsonElement? element) => element is { } e ? JsonNode.Parse(e.GetRawText()) : null;
}

using Buquet.Actors.Diagnostics;

namespace Buquet.Host.Bench;

/// <summary>A task's first handler start and its last committed end in the workers' execution logs (their local clock).</summary>
internal sealed record ExecutionTimes(DateTimeOffset? Start, DateTimeOffset? End, string? Outcome)
{
    /// <summary>Every task in the execution log directory <paramref name="directory"/>.</summary>
    public static IReadOnlyDictionary<Guid, ExecutionTimes> Read(string directory) => Of(ExecutionLogReader.ReadDirectory(directory).Entries);

    /// <summary>Per task: the earliest start, and the latest end with its outcome.</summary>
    public static IReadOnlyDictionary<Guid, ExecutionTimes> Of(IEnumerable<ExecutionLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var result = new Dictionary<Guid, ExecutionTimes>();
        foreach (var e in entries)
        {
            var at = e.LocalAt ?? e.At;
            var t = result.GetValueOrDefault(e.TaskId) ?? new ExecutionTimes(null, null, null);
            result[e.TaskId] = e.Event == ExecutionEvent.Start
                ? t with { Start = t.Start is { } s && s <= at ? s : at }
                : t.End is { } end && end > at ? t : t with { End = at, Outcome = e.Outcome };
        }

        return result;
    }
}

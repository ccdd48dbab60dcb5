using System.Globalization;
using Buquet.Actors.Protocol;
using Microsoft.AspNetCore.Http;

namespace Buquet.Host.Dashboard;

/// <summary>Filters of the task list, parsed from the query string (bad values are refused by name).</summary>
internal sealed record TaskFilter(BuquetTaskStatus? Status, string? TaskType, string? Shard, string Range, int Page)
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<(string Value, string Label, TimeSpan? Span)> Ranges =
    [
        ("all", "all time", null),
        ("15m", "last 15 min", TimeSpan.FromMinutes(15)),
        ("1h", "last hour", TimeSpan.FromHours(1)),
        ("6h", "last 6 h", TimeSpan.FromHours(6)),
        ("24h", "last 24 h", TimeSpan.FromHours(24)),
        ("7d", "last 7 days", TimeSpan.FromDays(7)),
    ];

    public static TaskFilter Parse(IQueryCollection query)
    {
        BuquetTaskStatus? status = null;
        var s = query["status"].ToString();
        if (s.Length > 0)
        {
            status = Enum.TryParse<BuquetTaskStatus>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, out _)
                ? parsed
                : throw new ArgumentException($"Unknown status '{s}' (pending, running, completed, failed, cancelled, archived, expired).");
        }

        var range = query["range"].ToString();
        if (range.Length == 0)
        {
            range = "all";
        }
        else if (!Ranges.Any(r => r.Value == range))
        {
            throw new ArgumentException($"Unknown time range '{range}' (all, 15m, 1h, 6h, 24h, 7d).");
        }

        var page = 1;
        var p = query["page"].ToString();
        if (p.Length > 0 && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            throw new ArgumentException($"Page '{p}' is not a positive number.");
        }

        var type = query["type"].ToString();
        var shard = query["shard"].ToString();
        return new TaskFilter(status, type.Length == 0 ? null : type, shard.Length == 0 ? null : shard, range, page);
    }

    public IEnumerable<TaskRecord> Apply(IEnumerable<TaskRecord> tasks, DateTimeOffset now)
    {
        var span = Ranges.First(r => r.Value == Range).Span;
        return tasks.Where(t => (Status is null || t.Status == Status)
                && (TaskType is null || t.TaskType == TaskType)
                && (Shard is null || t.Shard == Shard)
                && (span is null || t.UpdatedAt >= now - span.Value))
            .OrderByDescending(t => t.UpdatedAt).ThenBy(t => t.Id);
    }

    public string Query(int? page = null)
    {
        var parts = new List<string>();
        if (Status is { } st)
        {
            parts.Add("status=" + Html.StatusName(st));
        }

        if (TaskType is not null)
        {
            parts.Add("type=" + Uri.EscapeDataString(TaskType));
        }

        if (Shard is not null)
        {
            parts.Add("shard=" + Uri.EscapeDataString(Shard));
        }

        if (Range != "all")
        {
            parts.Add("range=" + Range);
        }

        var pg = page ?? Page;
        if (pg > 1)
        {
            parts.Add("page=" + pg.ToString(CultureInfo.InvariantCulture));
        }

        return string.Join('&', parts);
    }
}

using System.Globalization;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Actors.Scheduling;

/// <summary>
/// JSON of <c>schedule-options/{id}.json</c> (ADR 0007), e.g.
/// <c>{"schedule_id":"report","time_zone":"Europe/Berlin","catch_up":"all:24","max_jitter_ms":1500,"first_run":"after_creation"}</c>.
/// Kept outside <c>schedules/</c> because peers list that prefix and rewrite definitions without unknown fields.
/// </summary>
internal static class ScheduleExtensionsJson
{
    public const string Root = "schedule-options/";

    public static string Key(string scheduleId) => $"{Root}{KeyComponents.ValidateScheduleId(scheduleId)}.json";

    /// <summary>The schedule id of an extensions key, or <c>null</c>.</summary>
    public static string? IdOf(string key) =>
        key.StartsWith(Root, StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal)
        && key.IndexOf('/', Root.Length) < 0 && key.Length > Root.Length + 5
            ? key[Root.Length..^5]
            : null;

    public static byte[] Serialize(string scheduleId, ScheduleExtensions v) => new JsonOut().BeginObject()
        .Name("schedule_id").String(scheduleId)
        .Name("time_zone").String(v.TimeZone)
        .Name("catch_up").String(v.CatchUp.ToString())
        .Name("max_jitter_ms").Int((long)v.MaxJitter.TotalMilliseconds)
        .Name("first_run").String(v.FirstRun == FirstRunPolicy.FromEpoch ? "from_epoch" : "after_creation")
        .EndObject().ToUtf8();

    public static ScheduleExtensions Parse(ReadOnlyMemory<byte> utf8, string key)
    {
        var r = JsonIn.Parse(utf8, key);
        var zone = r.OptionalString("time_zone") ?? "UTC";
        try
        {
            _ = CronTimeZone.Resolve(zone);
        }
        catch (ArgumentException e)
        {
            throw new MalformedObjectException(key, $"field 'time_zone': {e.Message}", e);
        }

        CatchUpPolicy catchUp;
        try
        {
            catchUp = CatchUpPolicy.Parse(r.OptionalString("catch_up") ?? "none");
        }
        catch (FormatException e)
        {
            throw new MalformedObjectException(key, $"field 'catch_up': {e.Message}", e);
        }

        var firstRun = r.OptionalString("first_run") switch
        {
            null or "after_creation" => FirstRunPolicy.AfterCreation,
            "from_epoch" => FirstRunPolicy.FromEpoch,
            var other => throw new MalformedObjectException(
                key, string.Create(CultureInfo.InvariantCulture, $"field 'first_run' must be after_creation or from_epoch, was \"{other}\"")),
        };
        return new ScheduleExtensions
        {
            TimeZone = zone,
            CatchUp = catchUp,
            MaxJitter = TimeSpan.FromMilliseconds(r.Int("max_jitter_ms", 0, (long)TimeSpan.FromDays(1).TotalMilliseconds)),
            FirstRun = firstRun,
        };
    }

    /// <summary>The planner options of a schedule's extensions.</summary>
    public static SchedulePlanOptions ToPlanOptions(ScheduleExtensions e) => new()
    {
        TimeZone = CronTimeZone.Resolve(e.TimeZone),
        CatchUp = e.CatchUp,
        MaxJitter = e.MaxJitter,
        FirstRun = e.FirstRun,
    };
}

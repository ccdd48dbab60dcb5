using System.Globalization;

namespace Buquet.Host.Bench;

/// <summary>One of issue 20's targets checked against a <c>bench --cluster</c> run.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Target">The target, as the issue states it.</param>
/// <param name="Value">The measured value, as text.</param>
/// <param name="Met">Whether it was met; null when there was nothing to measure.</param>
internal sealed record TargetCheck(string Name, string Target, string Value, bool? Met)
{
    public string Verdict => Met switch { true => "met", false => "missed", null => "not measured" };
}

/// <summary>Issue 20's targets (cluster on, several against cluster off in the same run).</summary>
internal static class ClusterTargets
{
    public static IReadOnlyList<TargetCheck> Check(ClusterSideResult off, ClusterSideResult on)
    {
        ArgumentNullException.ThrowIfNull(off);
        ArgumentNullException.ThrowIfNull(on);
        var pickup = on.Pickup;
        var steady = on.SteadyPickup;
        var cancel = on.Cancel;
        var listPerTask = on.Steady.Completed > 0 ? on.Steady.PerCompletedTask.List : (double?)null;
        var offIdle = off.IdlePerWorkerMinute.Total;
        var onIdle = on.IdlePerWorkerMinute.Total;
        var rssAbove = on.IdleRssMb - off.IdleRssMb;
        return
        [
            AtMost("idle pickup p50 (ms)", "<= 50 ms", pickup.Count > 0 ? pickup.P50 : null, 50),
            AtMost("idle pickup p95 (ms)", "<= 250 ms", pickup.Count > 0 ? pickup.P95 : null, 250),
            AtMost("steady LIST per task", "<= 0.3", listPerTask, 0.3),
            AtMost("steady pickup p50 (ms)", "<= 40 ms", steady.Count > 0 ? steady.P50 : null, 40),
            AtMost("cancel-to-handler p99 (ms)", "<= 1000 ms", cancel.Count > 0 ? cancel.P99 : null, 1000),
            AtMost("idle S3 requests per worker-minute", F($"<= cluster off ({offIdle:0.##})"), onIdle, offIdle),
            AtMost("idle RSS above cluster off (MB)", "<= 30 MB", on.IdleSamples.Count > 0 && off.IdleSamples.Count > 0 ? rssAbove : null, 30),
            AtMost("idle CPU per process (% of a core)", "<= 3 %", on.IdleSamples.Count > 0 ? on.IdleCpuPercent : null, 3),
        ];
    }

    private static TargetCheck AtMost(string name, string target, double? value, double limit) =>
        new(name, target, value is { } v ? F($"{v:0.##}") : "n/a", value is { } x ? x <= limit : null);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

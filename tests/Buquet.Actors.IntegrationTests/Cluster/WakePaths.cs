using System.Globalization;
using System.Text.RegularExpressions;

namespace Buquet.Actors.IntegrationTests.Cluster;

/// <summary>
/// What woke a worker's poller, read from its Prometheus text: <c>buquet_poller_wakeups_total{path=push|hint}</c> (polls
/// brought forward) and <c>buquet_worker_pickups_total{path=push|hint|poll}</c> (claims by the path that found them:
/// push, or S3 = hint + poll). Counters not yet incremented are absent from the text: 0.
/// </summary>
internal sealed partial record WakePaths(double PushWakeUps, double HintWakeUps, double PushPickups, double S3Pickups)
{
    public const string WakeUps = "buquet_poller_wakeups_total";
    public const string Pickups = "buquet_worker_pickups_total";

    public static WakePaths Parse(string text)
    {
        var samples = Sample().Matches(text)
            .Select(m => (Name: m.Groups["name"].Value, Path: Path().Match(m.Groups["labels"].Value) is { Success: true } p ? p.Groups[1].Value : null, Value: double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList();
        double Sum(string name, params string[] paths) => samples.Where(s => s.Name == name && paths.Contains(s.Path)).Sum(s => s.Value);
        return new WakePaths(Sum(WakeUps, "push"), Sum(WakeUps, "hint"), Sum(Pickups, "push"), Sum(Pickups, "hint", "poll"));
    }

    /// <summary><c>name{labels} value [timestamp]</c> at the start of a line.</summary>
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>[-+0-9.eE]+|NaN)(\s+\d+)?\s*$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex("(?:^|,)path=\"([^\"]*)\"")]
    private static partial Regex Path();
}
